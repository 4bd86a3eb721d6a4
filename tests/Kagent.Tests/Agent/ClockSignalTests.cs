using k8s;
using k8s.Models;
using Kagent.Agent.Health;
using Kagent.Agent.Signals;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests.Agent;

/// <summary>
/// kagent.io/ClockSynchronized against real API servers: the agent's time source skewed by hand, the control
/// plane's and the member's clocks read from their Date headers as the agent reads them.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class ClockSignalTests(FleetFixture fleet)
{
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(0, "True", "ClocksInSync")]
    [InlineData(30, "False", "ClockSkewed")]
    [InlineData(-30, "False", "ClockSkewed")]
    public async Task A_skewed_agent_clock_is_reported_and_a_true_one_is_in_sync(int skewSeconds, string status, string reason)
    {
        var time = new SkewedTime(TimeSpan.FromSeconds(skewSeconds));
        var health = await new MemberHealthProbe(fleet.Member1.Admin, TimeSpan.FromSeconds(5), time: time).ProbeAsync(default);
        var reading = await new ClockReader(fleet.ControlPlane.Admin, time, TimeSpan.FromMinutes(1)).ReadAsync(health.Answer, default);

        var signal = SignalRules.ClockSynchronized(reading, Threshold)!;
        Assert.Equal((status, reason), (signal.Status, signal.Reason));
        Assert.InRange(reading!.AgentOffset.TotalSeconds, skewSeconds - 1.5, skewSeconds + 1.5);

        // The member's clock is this machine's, as the control plane's: in sync with it whatever the agent's says.
        Assert.InRange(reading.MemberOffset!.Value.TotalSeconds, -1.5, 1.5);
        if (skewSeconds != 0) Assert.Equal($"the agent's clock is {skewSeconds}s off the control plane's (threshold 5s)", signal.Message);
    }

    [Theory]
    [InlineData(0, "True")]
    [InlineData(30, "False")]
    [InlineData(-30, "False")]
    public async Task The_heartbeats_renewals_give_the_control_planes_clock_without_a_request_of_its_own(int skewSeconds, string status)
    {
        // The agent's control-plane client, seen by its request observer, renews a Lease as the heartbeat does: the
        // answers' Date headers place the server's clock, however many renewals came before.
        var time = new SkewedTime(TimeSpan.FromSeconds(skewSeconds));
        var answers = new RequestObserver("karmada", time);
        using var client = new KubeClient(KubeconfigFile.FromText(fleet.ControlPlane.Server.AdminKubeconfig(), null, Path.GetTempPath()), answers);
        var name = $"clock-{(skewSeconds < 0 ? "minus" : "plus")}{Math.Abs(skewSeconds)}";
        var lease = await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1LeaseSpec { HolderIdentity = name, RenewTime = time.GetUtcNow().UtcDateTime, LeaseDurationSeconds = 40 },
        }, "default");
        for (var renewal = 0; renewal < 3; renewal++)
        {
            lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            lease = await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, "default");
        }

        // The reader takes that reading and never asks this unreachable server for GET /version.
        var unreachable = new KubeClient(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var reading = await new ClockReader(unreachable, time, TimeSpan.FromMinutes(1), answers).ReadAsync(null, default);
        Assert.InRange(reading!.AgentOffset.TotalSeconds, skewSeconds - 1.5, skewSeconds + 1.5);
        Assert.Equal(status, SignalRules.ClockSynchronized(reading, Threshold)!.Status);
    }

    private sealed class SkewedTime(TimeSpan skew) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
    }
}
