using System.Diagnostics;
using k8s;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Tests.Onboarding;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Reliability;

/// <summary>
/// The control plane's kube-apiserver stops for two minutes under a running hub and agent (a fleet of their own):
/// neither process exits, the agent warns a few times instead of once a retry, and within one renew interval of
/// the control plane's return it renews its heartbeat and writes the status the member reached meanwhile.
/// </summary>
public sealed class ControlPlaneOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "edge1";
    private static readonly TimeSpan Outage = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(2);   // --cluster-lease-duration 10s × 0.2
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly OnboardingFixture _fleet = new("outage", [Name]);

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync() => _fleet.DisposeAsync();

    [Fact]
    public async Task Two_minutes_without_the_control_plane_crash_nothing_flood_no_log_and_the_agent_catches_up_within_a_renew_interval()
    {
        var member = _fleet.Fleet.Member(Name);
        await member.CreateNodeAsync(new SimulatedNode("n1"));
        await member.CreateNodeAsync(new SimulatedNode("n2"));
        using var agent = _fleet.StartAgent(Name, Name,
            "--cluster-api-endpoint", member.Server.Url, "--cluster-status-update-frequency", "1s",
            "--cluster-lease-duration", "10s", "--cluster-lease-renew-interval-fraction", "0.2",
            "--cluster-success-threshold", "1s", "--cluster-failure-threshold", "1s",
            "--leader-elect-lease-duration", "4s", "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms");
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        var clusters = new EntityClient<Cluster>(_fleet.ControlPlane.Admin);
        await Eventually.TrueAsync(async () => (await clusters.GetAsync(Name))?.Status?.NodeSummary?.ReadyNum == 2, Timeout, () => "status with 2 ready nodes\n" + agent.LogTail());

        // The outage; meanwhile a node of the member goes NotReady.
        var linesBefore = File.ReadAllLines(agent.LogPath).Length;
        await _fleet.ControlPlane.Server.StopApiServerAsync();
        await member.SetNodeReadyAsync("n1", false);
        var outage = Stopwatch.StartNew();
        while (outage.Elapsed < Outage)
        {
            Assert.False(agent.HasExited, "the agent exited during the outage:\n" + agent.LogTail());
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        var outageLines = File.ReadAllLines(agent.LogPath).Skip(linesBefore).ToList();
        output.WriteLine($"{outageLines.Count} log lines in {Outage.TotalSeconds:0}s of outage:\n{string.Join('\n', outageLines)}");
        Assert.True(outageLines.Count <= 40, $"{outageLines.Count} log lines during a {Outage.TotalMinutes:0}-minute outage");

        // The return: the heartbeat within one renew interval (plus a second for the first request to connect).
        await _fleet.ControlPlane.Server.RestartApiServerAsync();
        var back = DateTime.UtcNow;
        var returned = Stopwatch.StartNew();
        var admin = _fleet.ControlPlane.Admin;
        // When the agent renewed (its renewTime; the agent runs on this machine's clock), not when this test's polling saw it.
        var renewal = await Eventually.MatchAsync(async () => (await admin.CoordinationV1.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace)).Spec.RenewTime,
            renewTime => renewTime > back, Timeout, () => "heartbeat renewed after the outage\n" + agent.LogTail());
        var renewedAfter = renewal!.Value.ToUniversalTime() - back;
        await Eventually.TrueAsync(async () => (await clusters.GetAsync(Name))?.Status?.NodeSummary?.ReadyNum == 1, Timeout, () => "status caught up\n" + agent.LogTail());
        var caughtUpAfter = returned.Elapsed;
        output.WriteLine($"heartbeat renewed {renewedAfter.TotalSeconds:0.0}s and status caught up {caughtUpAfter.TotalSeconds:0.0}s after the control plane was back");
        Assert.True(renewedAfter <= RenewInterval + TimeSpan.FromSeconds(1), $"heartbeat renewed only {renewedAfter.TotalSeconds:0.0}s after the return");
        Assert.False(agent.HasExited);
        Assert.DoesNotContain("Unhandled exception", File.ReadAllText(agent.LogPath));
        Assert.DoesNotContain("Unhandled exception", File.ReadAllText(_fleet.HubLog));
    }
}
