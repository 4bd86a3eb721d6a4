using k8s;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Reliability;

/// <summary>
/// The agent talks to the control plane through WireMock.Net, which answers one request in ten with a 500 and
/// delays one in ten by 5 s before passing it on. Its heartbeat and status keep going, and its sockets, threads
/// and memory stay flat. One minute by default; KAGENT_CHURN_SECONDS=1800 (hack/soak.sh) runs it for 30 minutes.
/// </summary>
public sealed class FaultyControlPlaneTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "churn1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly OnboardingFixture _fleet = new("churn", [Name]);
    private WireMockServer _proxy = null!;

    public async Task InitializeAsync()
    {
        await _fleet.InitializeAsync();
        _proxy = WireMockServer.Start(new WireMockServerSettings { MaxRequestLogCount = 100 });
        var upstream = _fleet.ControlPlane.Server.Url;
        _proxy.Given(Request.Create().UsingAnyMethod()).AtPriority(1).WithProbability(0.1)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json")
                .WithBody("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected fault","reason":"InternalError","code":500}"""));
        _proxy.Given(Request.Create().UsingAnyMethod()).AtPriority(2).WithProbability(0.1)
            .RespondWith(Response.Create().WithProxy(upstream).WithDelay(TimeSpan.FromSeconds(5)));
        _proxy.Given(Request.Create().UsingAnyMethod()).AtPriority(10).RespondWith(Response.Create().WithProxy(upstream));
    }

    public async Task DisposeAsync()
    {
        _proxy.Stop();
        _proxy.Dispose();
        await _fleet.DisposeAsync();
    }

    [Fact]
    public async Task Through_500s_and_5s_delays_from_the_control_plane_heartbeat_and_status_keep_going_and_nothing_leaks()
    {
        var churn = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("KAGENT_CHURN_SECONDS"), out var seconds) ? seconds : 60);
        var member = _fleet.Fleet.Member(Name);
        await member.CreateNodeAsync(new SimulatedNode("c1"));
        await member.CreateNodeAsync(new SimulatedNode("c2"));
        var karmadaViaProxy = Path.Combine(_fleet.Fleet.Root, "karmada-via-proxy.kubeconfig");
        await File.WriteAllTextAsync(karmadaViaProxy, _fleet.ControlPlane.Server.AdminKubeconfigVia(_proxy.Url!));
        using var agent = Kagent.Testing.KagentProcess.Start("agent-churn",
        [
            "agent", "--cluster-name", Name, "--karmada-kubeconfig", karmadaViaProxy, "--kubeconfig", _fleet.AgentMemberKubeconfig(Name),
            "--cluster-api-endpoint", member.Server.Url, "--cluster-status-update-frequency", "1s",
            "--cluster-lease-duration", "20s", "--cluster-lease-renew-interval-fraction", "0.1",
            "--cluster-success-threshold", "1s", "--cluster-failure-threshold", "1s",
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--log-format", "text",
        ], Path.Combine(_fleet.Fleet.Root, "agent-churn.log"));
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        var clusters = new EntityClient<Cluster>(_fleet.ControlPlane.Admin);
        await Eventually.TrueAsync(async () => (await clusters.GetAsync(Name))?.Status?.NodeSummary?.ReadyNum == 2, Timeout, "first status\n" + agent.LogTail());

        var baseline = ProcessFootprint.Of(agent.Pid);
        var leases = _fleet.ControlPlane.Admin.CoordinationV1;
        var renewals = new HashSet<DateTime>();
        var oldest = TimeSpan.Zero;
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < churn)
        {
            // Progress: the member changes every 10 s; the heartbeat is read twice a second.
            var tick = (int)(DateTime.UtcNow - started).TotalSeconds;
            if (tick % 10 == 0) await member.SetNodeReadyAsync("c1", tick / 10 % 2 == 0);
            var lease = await leases.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace);
            renewals.Add(lease.Spec.RenewTime!.Value);
            var age = DateTime.UtcNow - lease.Spec.RenewTime!.Value.ToUniversalTime();
            if (age > oldest) oldest = age;
            Assert.False(agent.HasExited, agent.LogTail());
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var expected = (await member.Admin.CoreV1.ReadNodeAsync("c1")).Status.Conditions.Single(c => c.Type == "Ready").Status == "True" ? 2 : 1;
        await Eventually.TrueAsync(async () => (await clusters.GetAsync(Name))?.Status?.NodeSummary?.ReadyNum == expected, Timeout, "status follows the member\n" + agent.LogTail());
        var ready = (await clusters.GetAsync(Name))!.Status!.Conditions!.Single(c => c.Type == "Ready").Status == "True";

        var after = ProcessFootprint.Of(agent.Pid);
        output.WriteLine($"{churn.TotalSeconds:0}s of faults: {renewals.Count} heartbeat renewals seen, oldest heartbeat {oldest.TotalSeconds:0.0}s (lease 20s); " +
                         $"footprint before {baseline}, after {after}");
        Assert.True(ready, "the cluster is not Ready after the churn");
        Assert.True(oldest < TimeSpan.FromSeconds(20), $"the heartbeat went {oldest.TotalSeconds:0.0}s without renewal; the lease lasts 20s");
        // Every 2s when nothing fails; a fifth of the requests failing or slow stretches that, never past the lease.
        Assert.True(renewals.Count >= churn.TotalSeconds / 8, $"only {renewals.Count} renewals in {churn.TotalSeconds:0}s");
        Assert.True(after.FileDescriptors - baseline.FileDescriptors <= 20, $"file descriptors grew from {baseline.FileDescriptors} to {after.FileDescriptors}");
        Assert.True(after.Threads - baseline.Threads <= 16, $"threads grew from {baseline.Threads} to {after.Threads}");
        Assert.True(after.RssBytes - baseline.RssBytes <= 40L << 20, $"RSS grew from {baseline.RssBytes >> 20} to {after.RssBytes >> 20} MiB");
    }
}
