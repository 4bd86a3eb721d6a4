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
        Assert.Equal(("True", "ChecksPassing", "every /readyz check passes (they include the /livez checks)"), Short(SignalRules.ControlPlaneHealthy(new HealthResult(HealthOutcome.Ok, "ok"))));
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
    public void Agent_health_names_stale_caches_queue_backlog_throttling_and_version_skew()
    {
        var stall = TimeSpan.FromMinutes(2);
        var healthy = Report(hub: "0.4.2");
        Assert.Equal(("True", "AgentHealthy", "caches watching, no queue backlog, not throttled; agent 0.4.0, hub 0.4.2"), Short(SignalRules.AgentHealthy(healthy, stall)));
        Assert.Equal("caches watching, no queue backlog, not throttled; agent 0.4.0, hub version not known", SignalRules.AgentHealthy(Report(hub: null), stall).Message);

        // Under the threshold a reconnecting cache and a waiting key are fine.
        Assert.Equal("True", SignalRules.AgentHealthy(healthy with
        {
            Caches = [new("pods", true, TimeSpan.FromSeconds(119))],
            Queues = [new("work", 40, TimeSpan.FromSeconds(119))],
        }, stall).Status);

        Assert.Equal(("False", "CachesStale", "the nodes cache has not listed in 120s; the pods cache has had no watch for over 120s"), Short(SignalRules.AgentHealthy(healthy with
        {
            Caches = [new("pods", true, TimeSpan.FromMinutes(3)), new("nodes", false, TimeSpan.FromMinutes(5)), new("nodes", false, TimeSpan.FromMinutes(5))],
        }, stall)));
        Assert.Equal(("False", "QueueBacklog", "keys have waited over 120s in the work queue"),
            Short(SignalRules.AgentHealthy(healthy with { Queues = [new("work", 3000, TimeSpan.FromMinutes(4))] }, stall)));
        Assert.Equal(("False", "Throttled", "requests to the karmada API server waited 1s or more for the client's rate limit (40 QPS) in the last minute"),
            Short(SignalRules.AgentHealthy(healthy with { Throttling = [new("karmada", 40, ClientSide: true, ServerSide: false), new("member", 40, false, false)] }, stall)));
        Assert.Equal("the member API server answered 429 Too Many Requests in the last minute",
            SignalRules.AgentHealthy(healthy with { Throttling = [new("member", 40, ClientSide: false, ServerSide: true)] }, stall).Message);
        Assert.Equal("MultipleProblems", SignalRules.AgentHealthy(healthy with
        {
            Queues = [new("work", 3000, TimeSpan.FromMinutes(4))],
            Throttling = [new("member", 40, false, true)],
        }, stall).Reason);
    }

    [Theory]
    [InlineData("0.4.0", "0.4.9", null)]
    [InlineData("0.4.0", "0.5.0", null)]
    [InlineData("0.4.0", "v0.5.1-rc.1", null)]
    [InlineData("0.4.0", "0.6.0", "agent 0.4.0, hub 0.6.0: the agent is more than one minor version behind the hub")]
    [InlineData("0.4.0", "1.0.0", "agent 0.4.0, hub 1.0.0: the agent is more than one minor version behind the hub")]
    [InlineData("0.5.0", "0.4.0", "agent 0.5.0, hub 0.4.0: the agent is newer than the hub")]
    [InlineData("1.0.0", "0.9.0", "agent 1.0.0, hub 0.9.0: the agent is newer than the hub")]
    [InlineData("0.4.0", "not-a-version", null)]
    public void The_agent_may_be_as_new_as_the_hub_and_one_minor_older(string agent, string hub, string? skew)
    {
        var observed = SignalRules.AgentHealthy(Report(hub) with { AgentVersion = agent }, TimeSpan.FromMinutes(2));
        Assert.Equal(skew is null ? "True" : "False", observed.Status);
        if (skew is not null) Assert.Equal(("VersionSkew", skew), (observed.Reason, observed.Message));
    }

    private static AgentSelfReport Report(string? hub) =>
        new([new("pods", true, TimeSpan.Zero), new("works.work.karmada.io", true, TimeSpan.Zero)], [new("work", 0, TimeSpan.Zero)],
            [new("karmada", 40, false, false), new("member", 40, false, false)], "0.4.0", hub);

    [Fact]
    public async Task A_signal_moves_only_after_the_threshold_and_foreign_conditions_are_kept()
    {
        var time = new ManualTime(Now);
        var signals = new SignalConditions(new SignalOptions { Enabled = new HashSet<string> { SignalOptions.NodesReady } },
            TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), time, clock: null, self: null);
        var ok = new HealthResult(HealthOutcome.Ok, "ok");
        var foreign = new V1Condition { Type = "ServiceDomainNameResolutionReady", Status = "False", Reason = "ServiceDomainNameResolutionFailed", Message = "x", LastTransitionTime = Now };
        IList<V1Condition>? conditions = [foreign];

        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 10), hubVersion: null, Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));

        // Most nodes go: still True for the failure threshold, then False.
        time.Advance(TimeSpan.FromSeconds(10));
        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 2), hubVersion: null, Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));
        time.Advance(TimeSpan.FromSeconds(29));
        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 2), hubVersion: null, Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));
        time.Advance(TimeSpan.FromSeconds(2));
        conditions = await signals.ApplyAsync(conditions, ok, Snapshot(10, 2), hubVersion: null, Now, default);
        Assert.Equal("False", Status(conditions, "kagent.io/NodesReady"));
        Assert.Same(foreign, conditions!.Single(c => c.Type == foreign.Type));

        // A stop leaves every signal Unknown, and the next observation passes at once.
        conditions = SignalConditions.Stopped(conditions, Now);
        Assert.Equal(("Unknown", SignalConditions.ReasonAgentStopped), (Status(conditions, "kagent.io/NodesReady"), conditions!.Single(c => c.Type == "kagent.io/NodesReady").Reason));
        conditions = await new SignalConditions(new SignalOptions { Enabled = new HashSet<string> { SignalOptions.NodesReady } }, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), time, null, null)
            .ApplyAsync(conditions, ok, Snapshot(10, 10), hubVersion: null, Now, default);
        Assert.Equal("True", Status(conditions, "kagent.io/NodesReady"));

        // Turned off: Unknown, once.
        var off = new SignalConditions(new SignalOptions { Enabled = new HashSet<string>() }, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), time, null, null);
        conditions = await off.ApplyAsync(conditions, ok, Snapshot(10, 10), hubVersion: null, Now, default);
        Assert.Equal(("Unknown", SignalConditions.ReasonDisabled), (Status(conditions, "kagent.io/NodesReady"), conditions!.Single(c => c.Type == "kagent.io/NodesReady").Reason));
        Assert.Equal(2, conditions!.Count);
    }

    [Theory]
    [InlineData("*,-CapacityPressure", "NodesReady,ControlPlaneHealthy,ClockSynchronized,AgentHealthy")]
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
