using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Metrics;
using Kagent.Tests.Onboarding;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Aggregation;

/// <summary>
/// Readiness history kept by the `kagent hub` process in ClusterAvailability objects and served on clusterhealths
/// (status.availability, the history subresource, `-o wide`, the fleet metric), across hub restarts.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class AvailabilityHistoryTests(OnboardingFixture hub, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private IKubernetes Admin => hub.ControlPlane.Admin;

    private EntityClient<ClusterAvailability> Records => new(Admin);

    [Fact]
    public async Task A_cluster_flapped_5_times_shows_5_transitions_and_the_right_ratio_also_after_a_hub_restart()
    {
        const string name = "avail-flap";
        await TestClusters.CreateAsync(Admin, name, "Push", null, ready: false);
        await TestClusters.RenewLeaseAsync(Admin, name, DateTime.UtcNow, durationSeconds: 600);
        try
        {
            await WaitForTransitionsAsync(name, 1);
            var ready = false;
            for (var i = 1; i <= 5; i++)
            {
                ready = !ready;
                await TestClusters.SetReadyAsync(Admin, name, ready);
                await WaitForTransitionsAsync(name, i + 1);
            }

            var history = await HistoryAsync(name);
            var transitions = history["transitions"]!.AsArray();
            Assert.Equal("Down Up Down Up Down Up", string.Join(' ', transitions.Select(t => t!["state"]!.GetValue<string>())));
            Assert.Equal("ClusterReady ClusterNotReady", string.Join(' ', transitions.Skip(1).Take(2).Select(t => t!["reason"]!.GetValue<string>())));
            var outages = DownIntervals(transitions);
            var since = history["since"]!.GetValue<DateTime>().ToUniversalTime();
            await AssertDayWindowAsync(name, since, outages);

            var wide = await KubectlOkAsync("get", "clusterhealth", name, "-o", "wide");
            Assert.Matches(@"AVAIL\(24H\)\s+FLAPS\(24H\)", wide);
            Assert.Matches($@"{name}\s.*\s\d+(\.\d+)?%\s+5\s*$", wide.Trim());

            var ratio = await Eventually.MatchAsync(
                async () => (await MetricsScrape.FetchAsync(hub.HubMetricsPort)).Value("kagent_fleet_cluster_availability_ratio", ("cluster", name), ("window", "24h")),
                v => v is not null, Timeout, "kagent_fleet_cluster_availability_ratio of the cluster");
            Assert.InRange(ratio!.Value, 0, 1);

            // The history lives in the control plane: a restarted hub serves the same.
            hub.KillHub();
            await hub.StartHubAgainAsync();
            await WaitForHistoryAsync(name, t => t.ToJsonString() == transitions.ToJsonString(), "the same transitions after the restart");
            await AssertDayWindowAsync(name, since, outages);
        }
        finally
        {
            await TestClusters.DeleteAsync(Admin, name);
        }

        await Eventually.TrueAsync(async () => await Records.GetAsync(name) is null, Timeout, () => $"ClusterAvailability {name} deleted with its Cluster");
    }

    [Fact]
    public async Task Time_no_hub_was_running_is_recorded_as_unobserved_and_not_counted_as_up()
    {
        const string name = "avail-gap";
        await TestClusters.CreateAsync(Admin, name, "Push", null, ready: true);
        await TestClusters.RenewLeaseAsync(Admin, name, DateTime.UtcNow, durationSeconds: 600);
        try
        {
            // Down (NoStatus) for the moment between the Cluster's creation and its first status, then Up.
            var before = (await WaitForHistoryAsync(name, t => t.Count > 0 && t[^1]!["state"]!.GetValue<string>() == "Up", "the cluster up")).Count;
            hub.KillHub();

            // As if the hub had observed the cluster from ten minutes ago and stopped nine minutes ago: the history
            // moved back ten minutes, the observation Lease last renewed nine minutes ago.
            var record = (await Records.GetAsync(name))!;
            var shift = TimeSpan.FromMinutes(10);
            record.Spec.Since -= shift;
            foreach (var transition in record.Spec.Transitions) transition.Time -= shift;
            await Records.ReplaceAsync(record);
            var stoppedAt = DateTime.UtcNow.AddMinutes(-9);
            var marker = await Admin.CoordinationV1.ReadNamespacedLeaseAsync("kagent-hub-availability", "karmada-system");
            marker.Spec.RenewTime = stoppedAt;
            await Admin.CoordinationV1.ReplaceNamespacedLeaseAsync(marker, marker.Metadata.Name, "karmada-system");

            await hub.StartHubAgainAsync();
            var transitions = await WaitForTransitionsAsync(name, before + 2);
            Assert.Equal("Up Unobserved Up", string.Join(' ', transitions.TakeLast(3).Select(t => t!["state"]!.GetValue<string>())));
            Assert.Equal("HubNotObserving", transitions[^2]!["reason"]!.GetValue<string>());
            var unobservedFrom = transitions[^2]!["time"]!.GetValue<DateTime>().ToUniversalTime();
            var observedAgain = transitions[^1]!["time"]!.GetValue<DateTime>().ToUniversalTime();
            Assert.InRange((unobservedFrom - stoppedAt).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));

            var day = Day(await AvailabilityAsync(name));
            output.WriteLine(day.ToJsonString());
            var down = day["downSeconds"]!.GetValue<long>();
            Assert.InRange(down, 0, 1);
            // Only observed time counts: the ratio is the minute up against the second (or none) down before the first status,
            // with a second more for the rounding of the whole seconds it is checked against.
            Assert.InRange(day["ratio"]!.GetValue<double>(), 1 - 2.0 / (day["upSeconds"]!.GetValue<long>() + down), 1.0);
            Assert.InRange(day["unobservedSeconds"]!.GetValue<long>(), (long)(observedAgain - unobservedFrom).TotalSeconds - 1, (long)(observedAgain - unobservedFrom).TotalSeconds + 1);
            Assert.InRange(day["upSeconds"]!.GetValue<long>(), 55, 62 + (long)(DateTime.UtcNow - observedAgain).TotalSeconds);
        }
        finally
        {
            await TestClusters.DeleteAsync(Admin, name);
        }
    }

    /// <summary>
    /// The 24h window of a cluster that is up again: 5 transitions, the down time the transitions say, and a ratio
    /// that is up / (up + down) as of the answer (windows end at its whole second): down / (1 - ratio) is the time
    /// since the first observation until then, which lies between the request's start (less a second) and its end.
    /// </summary>
    private async Task AssertDayWindowAsync(string name, DateTime since, IReadOnlyList<TimeSpan> outages)
    {
        // The windows end at the answer's whole second: until that second is past the last flap, they show fewer.
        var (asked, day, answered) = await Eventually.MatchAsync(async () =>
        {
            var asked = DateTime.UtcNow;
            var day = Day(await AvailabilityAsync(name));
            return (asked, day, DateTime.UtcNow);
        }, a => a.day["transitions"]!.GetValue<int>() == 5, Timeout, "5 transitions in the 24h window");
        output.WriteLine(day.ToJsonString());
        var down = outages.Sum(o => o.TotalSeconds);
        Assert.True(day["exact"]!.GetValue<bool>());
        Assert.InRange(day["downSeconds"]!.GetValue<long>(), (long)down - 1, (long)down + 1);
        Assert.InRange(day["longestOutageSeconds"]!.GetValue<long>(), (long)outages.Max().TotalSeconds - 1, (long)outages.Max().TotalSeconds + 1);
        var observed = down / (1 - day["ratio"]!.GetValue<double>());
        Assert.InRange(observed, (asked - since).TotalSeconds - 1.1, (answered - since).TotalSeconds + 0.1);
    }

    private static JsonNode Day(JsonNode availability) => availability["windows"]!.AsArray().Single(w => w!["window"]!.GetValue<string>() == "24h")!;

    /// <summary>How long each Down lasted until the Up after it.</summary>
    private static List<TimeSpan> DownIntervals(JsonArray transitions) =>
        transitions.Zip(transitions.Skip(1))
            .Where(p => p.First!["state"]!.GetValue<string>() == "Down")
            .Select(p => p.Second!["time"]!.GetValue<DateTime>() - p.First!["time"]!.GetValue<DateTime>())
            .ToList();

    private Task<JsonArray> WaitForTransitionsAsync(string name, int count) =>
        WaitForHistoryAsync(name, t => t.Count == count, $"{count} transitions");

    private async Task<JsonArray> WaitForHistoryAsync(string name, Func<JsonArray, bool> condition, string what)
    {
        var history = await Eventually.MatchAsync(() => HistoryAsync(name), h => condition(h["transitions"]!.AsArray()), Timeout, $"{what} in the history of {name}");
        return history["transitions"]!.AsArray();
    }

    private async Task<JsonNode> HistoryAsync(string name) =>
        JsonNode.Parse(await KubectlOkAsync("get", "--raw", $"/apis/kagent.io/v1alpha1/clusterhealths/{name}/history"))!;

    private async Task<JsonNode> AvailabilityAsync(string name) =>
        JsonNode.Parse(await KubectlOkAsync("get", "clusterhealth", name, "-o", "json"))!["status"]!["availability"]!;

    private async Task<string> KubectlOkAsync(params string[] arguments)
    {
        var result = await hub.KubectlAsync(arguments);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)}: {result.Output}\n{hub.HubLogTail()}");
        return result.StandardOutput;
    }
}
