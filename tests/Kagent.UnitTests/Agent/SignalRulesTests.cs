using k8s.Models;
using Kagent.Agent.Health;
using Kagent.Agent.Signals;
using Kagent.Agent.Status;
using Kagent.Configuration;
using Kagent.Testing;
using Xunit;

namespace Kagent.UnitTests.Agent;

/// <summary>Each signal's rule, its debounce, and how the signals merge into conditions other writers share.</summary>
public sealed class SignalRulesTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Nodes_ready_compares_the_ready_share_with_the_threshold()
    {
        Assert.Equal(("True", "EnoughNodesReady", "9 of 10 nodes are Ready (90%; threshold 90%)"), Short(SignalRules.NodesReady(Snapshot(10, 9), 90)));
        Assert.Equal(("False", "TooFewNodesReady", "2 of 10 nodes are Ready (20%; threshold 90%)"), Short(SignalRules.NodesReady(Snapshot(10, 2), 90)));
        Assert.Equal("NoNodes", SignalRules.NodesReady(Snapshot(0, 0), 90)!.Reason);
        Assert.Null(SignalRules.NodesReady(null, 90));
    }

    [Fact]
    public void Capacity_pressure_names_the_resources_whose_requests_reach_the_threshold()
    {
        var snapshot = Snapshot(1, 1, allocatable: ("10", "10Gi", "100"), allocated: ("9500m", "1Gi", "10"));
        Assert.Equal(("True", "CPUPressure", "requests use cpu 95%, memory 10%, pods 10% of allocatable (threshold 90%)"), Short(SignalRules.CapacityPressure(snapshot, 90)));
        Assert.Equal("NoPressure", SignalRules.CapacityPressure(snapshot, 96)!.Reason);
        var both = Snapshot(1, 1, allocatable: ("10", "10Gi", "100"), allocated: ("10", "10Gi", "10"));
        Assert.Equal("MultiplePressure", SignalRules.CapacityPressure(both, 90)!.Reason);
    }

    [Fact]
    public void Control_plane_health_lists_the_failing_checks_and_is_unknown_when_unreachable()
    {
        var failing = new HealthResult(HealthOutcome.NotOk, "failing checks: etcd") { FailingChecks = ["/readyz etcd", "/livez etcd"], LiveChecked = true };
        Assert.Equal(("False", "ChecksFailing", "failing: /readyz etcd, /livez etcd"), Short(SignalRules.ControlPlaneHealthy(failing)));
        Assert.Equal(("True", "ChecksPassing", "every /readyz and /livez check passes"), Short(SignalRules.ControlPlaneHealthy(new HealthResult(HealthOutcome.Ok, "ok") { LiveChecked = true })));
        Assert.Equal("Unknown", SignalRules.ControlPlaneHealthy(new HealthResult(HealthOutcome.Unreachable, "timed out")).Status);
    }

    [Fact]
    public void Clocks_are_in_sync_within_the_threshold_plus_the_second_a_date_header_rounds_away()
    {
        var threshold = TimeSpan.FromSeconds(5);
        Assert.Equal("True", SignalRules.ClockSynchronized(new ClockReading(TimeSpan.FromSeconds(5.9), TimeSpan.FromSeconds(-3)), threshold)!.Status);
        Assert.Equal(("False", "ClockSkewed", "the agent's clock is 30s off the control plane's (threshold 5s)"),
            Short(SignalRules.ClockSynchronized(new ClockReading(TimeSpan.FromSeconds(30.2), TimeSpan.Zero), threshold)));
        Assert.Contains("the member's clock is -12s off", SignalRules.ClockSynchronized(new ClockReading(TimeSpan.Zero, TimeSpan.FromSeconds(-12)), threshold)!.Message);
    }

    [Fact]
    public async Task A_signal_moves_only_after_the_threshold_and_foreign_conditions_are_kept()
    {
        var time = new ManualTime(Now);
        var signals = new SignalConditions(new SignalOptions { Enabled = new HashSet<string> { SignalOptions.NodesReady } },
            TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), time, clock: null);
        var ok = new HealthResult(HealthOutcome.Ok, "ok");
        var foreign = new V1Condition { Type = "ServiceDomainNameResolutionReady", Status = "False", Reason = "ServiceDomainNameResolutionFailed", Message = "x", LastTransitionTime = Now };
        IList<V1Condition>? conditions = [foreign];

        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 10), Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));

        // Most nodes go: still True for the failure threshold, then False.
        time.Advance(TimeSpan.FromSeconds(10));
        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 2), Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));
        time.Advance(TimeSpan.FromSeconds(29));
        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 2), Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));
        time.Advance(TimeSpan.FromSeconds(2));
        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 2), Now, default);
        Assert.Equal("False", Status(conditions, "kagent.io/NodesReady"));
        Assert.Same(foreign, conditions!.Single(c => c.Type == foreign.Type));

        // A stop leaves every signal Unknown, and the next observation passes at once.
        conditions = SignalConditions.Stopped(conditions, Now);
        Assert.Equal(("Unknown", SignalConditions.ReasonAgentStopped), (Status(conditions, "kagent.io/NodesReady"), conditions!.Single(c => c.Type == "kagent.io/NodesReady").Reason));
        conditions = await new SignalConditions(new SignalOptions { Enabled = new HashSet<string> { SignalOptions.NodesReady } }, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), time, null)
            .ApplyAsync(conditions, ok, Snapshot(10, 10), Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));

        // Turned off: Unknown, once.
        var off = new SignalConditions(new SignalOptions { Enabled = new HashSet<string>() }, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), time, null);
        conditions = await off.ApplyAsync(conditions, ok, Snapshot(10, 10), Now, default);
        Assert.Equal(("Unknown", SignalConditions.ReasonDisabled), (Status(conditions, "kagent.io/NodesReady"), conditions!.Single(c => c.Type == "kagent.io/NodesReady").Reason));
        Assert.Equal(2, conditions!.Count);
    }

    [Theory]
    [InlineData("*,-CapacityPressure", "NodesReady,ControlPlaneHealthy,ClockSynchronized")]
    [InlineData("NodesReady", "NodesReady")]
    [InlineData("", "")]
    public void The_flag_selects_signals_as_controllers_are_selected(string flag, string expected)
    {
        var (options, problem) = SignalOptions.ParseEnabled(FlagValues.ParseList("--signal-conditions", flag), SignalOptions.Default);
        Assert.Null(problem);
        Assert.Equal(expected, string.Join(",", SignalOptions.Names.Where(options!.IsEnabled)));
    }

    private static string? Status(IList<V1Condition>? conditions, string type) => conditions?.SingleOrDefault(c => c.Type == type)?.Status;

    private static (string, string, string) Short(SignalObservation? o) => (o!.Status, o.Reason, o.Message);

    private static ResourceSnapshot Snapshot(int nodes, int ready, (string Cpu, string Memory, string Pods)? allocatable = null, (string Cpu, string Memory, string Pods)? allocated = null) =>
        new(nodes, ready, Amounts(allocatable ?? ("8", "32Gi", "110")), new ResourceAmounts(), Amounts(allocated ?? ("0", "0", "0")), []);

    private static ResourceAmounts Amounts((string Cpu, string Memory, string Pods) r) =>
        ResourceAmounts.From(new Dictionary<string, ResourceQuantity> { ["cpu"] = new(r.Cpu), ["memory"] = new(r.Memory), ["pods"] = new(r.Pods) });
}
