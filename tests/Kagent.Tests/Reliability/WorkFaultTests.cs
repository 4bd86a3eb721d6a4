using k8s;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Operator.Entities;
using Kagent.Testing;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;

namespace Kagent.Tests.Reliability;

/// <summary>
/// Work execution through faults, in a fleet of its own: the agent killed while it applies, the member's API server
/// down while Works change, the control plane down while someone edits the member. Afterwards every Work converges:
/// nothing applied is orphaned or deleted by mistake, and nothing is applied twice into a conflict.
/// </summary>
public sealed class WorkFaultTests : IAsyncLifetime
{
    private const string Name = "edge-w";
    private const string Ns = "faults";
    private const int Count = 30;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly OnboardingFixture _fleet = new("work-faults", [Name]);
    private ServerProcess? _agent;

    private EntityClient<Work> Works => new(_fleet.ControlPlane.Admin);

    private KubeClient Member => _fleet.Fleet.Member(Name).Admin;

    private static string ExecutionSpace => KarmadaConstants.ExecutionSpaceFor(Name);

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public async Task DisposeAsync()
    {
        _agent?.Dispose();
        await _fleet.DisposeAsync();
    }

    [Fact]
    public async Task Killed_mid_apply_member_restarted_and_control_plane_down_every_work_converges()
    {
        StartAgent();
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        await Works.CreateAsync(KarmadaWorks.Create(Name, "faults-namespace", KarmadaWorks.Namespace(Ns)));
        await WaitAllAppliedAsync(1, "namespace applied");

        // Killed while applying: SIGKILL once some of the Works are in the member, then a new process.
        foreach (var i in Enumerable.Range(0, Count)) await Works.CreateAsync(KarmadaWorks.Create(Name, $"cm-{i}", KarmadaWorks.ConfigMap(Ns, $"cm-{i}", "v1")));
        await Eventually.TrueAsync(async () => (await Member.CoreV1.ListNamespacedConfigMapAsync(Ns)).Items.Count(c => c.Metadata.Name.StartsWith("cm-")) >= 3,
            Timeout, () => "some applied\n" + _agent!.LogTail());
        _agent!.Kill();
        _agent.Dispose();
        StartAgent();
        await WaitConvergedAsync(Enumerable.Range(0, Count).ToDictionary(i => $"cm-{i}", _ => "v1"), "after the kill");

        // Member API server down while Works change: 5 edited, 3 deleted; applied once it is back.
        await _fleet.Fleet.Member(Name).Server.StopApiServerAsync();
        foreach (var i in Enumerable.Range(0, 5)) await SetValueAsync($"cm-{i}", "v2");
        foreach (var i in Enumerable.Range(5, 3)) await Works.DeleteAsync($"cm-{i}", ExecutionSpace);
        await Task.Delay(TimeSpan.FromSeconds(5));   // an outage long enough for applies and deletions to fail and back off
        await _fleet.Fleet.Member(Name).Server.RestartApiServerAsync();
        var expected = Enumerable.Range(0, Count).Where(i => i is < 5 or >= 8).ToDictionary(i => $"cm-{i}", i => i < 5 ? "v2" : "v1");
        await WaitConvergedAsync(expected, "after the member's restart");

        // Control plane down while someone edits and deletes member objects: put back, and reported, once it is back.
        await _fleet.ControlPlane.Server.StopApiServerAsync();
        var edited = await Member.CoreV1.ReadNamespacedConfigMapAsync("cm-10", Ns);
        edited.Data["key"] = "edited during the outage";
        await Member.CoreV1.ReplaceNamespacedConfigMapAsync(edited, "cm-10", Ns);
        await Member.CoreV1.DeleteNamespacedConfigMapAsync("cm-11", Ns);
        await Task.Delay(TimeSpan.FromSeconds(5));
        await _fleet.ControlPlane.Server.RestartApiServerAsync();
        await WaitConvergedAsync(expected, "after the control plane's outage");
        Assert.False(_agent.HasExited);
        Assert.DoesNotContain("Unhandled exception", File.ReadAllText(_agent.LogPath));
    }

    private void StartAgent() => _agent = _fleet.StartAgent(Name, Name, "--cluster-api-endpoint", _fleet.Fleet.Member(Name).Server.Url,
        "--cluster-status-update-frequency", "1s", "--rate-limiter-max-delay", "5s",
        "--leader-elect-lease-duration", "4s", "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms");

    private async Task SetValueAsync(string name, string value)
    {
        var work = (await Works.GetAsync(name, ExecutionSpace))!;
        work.Spec.Workload!.Manifests![0]["data"]!["key"] = value;
        await Works.ReplaceAsync(work);
    }

    private Task WaitAllAppliedAsync(int works, string what) =>
        Eventually.TrueAsync(async () =>
        {
            var list = (await Works.ListAsync(ExecutionSpace)).Items;
            return list.Count == works && list.All(w => Conditions.IsTrue(w.Status.Conditions, WorkConstants.ConditionApplied));
        }, Timeout, () => what + "\n" + _agent!.LogTail());

    /// <summary>Exactly the expected ConfigMaps in the member, with the expected values, and every Work Applied with its status.</summary>
    private async Task WaitConvergedAsync(IReadOnlyDictionary<string, string> expected, string what)
    {
        await Eventually.TrueAsync(async () =>
        {
            var members = (await Member.CoreV1.ListNamespacedConfigMapAsync(Ns)).Items.Where(c => c.Metadata.Name.StartsWith("cm-")).ToList();
            return members.Count == expected.Count && members.All(c => expected.TryGetValue(c.Metadata.Name, out var v) && c.Data["key"] == v);
        }, Timeout, () => $"member converged {what}\n" + _agent!.LogTail());
        await Eventually.TrueAsync(async () =>
        {
            var works = (await Works.ListAsync(ExecutionSpace)).Items.Where(w => w.Metadata.Name.StartsWith("cm-")).ToList();
            return works.Count == expected.Count && works.All(w => Conditions.IsTrue(w.Status.Conditions, WorkConstants.ConditionApplied) && w.Status.ManifestStatuses is { Count: 1 });
        }, Timeout, () => $"Works Applied {what}\n" + _agent!.LogTail());
    }
}
