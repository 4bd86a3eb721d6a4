using k8s.Models;
using Kagent.Aggregation.Health;
using Kagent.Aggregation.Requests;
using Kagent.Api.Karmada;
using Kagent.Api.V1Alpha1;
using Kagent.Operator.Cache;
using Xunit;

namespace Kagent.UnitTests.Aggregation;

/// <summary>The pure parts of the aggregated API: readiness, selectors and the store's versions and watch log.</summary>
public sealed class ClusterHealthUnitTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Readiness_is_judged_from_the_heartbeat_first_and_then_the_ready_condition()
    {
        var ready = ClusterWithReady("True", "ClusterReady");
        Assert.Equal(("True", "ClusterReady"), Judge(ready, Lease(Now.AddSeconds(-39), 40)));

        var stale = ClusterHealthBuilder.Build(new ClusterHealthInputs(ready, Lease(Now.AddSeconds(-41), 40), null), Now).Status;
        Assert.Equal(("False", HealthReasons.HeartbeatStale), (stale.Ready, stale.Reason));
        Assert.StartsWith("no heartbeat for 41s (lease duration 40s)", stale.Message);

        var pull = ClusterWithReady("True", "ClusterReady");
        pull.Spec.SyncMode = "Pull";
        Assert.Equal(("Unknown", HealthReasons.HeartbeatMissing), Judge(pull, null));
        Assert.Equal(("True", "ClusterReady"), Judge(ClusterWithReady("True", "ClusterReady"), null));   // Push: no Lease needed
        Assert.Equal(("False", "ClusterNotReachable"), Judge(ClusterWithReady("False", "ClusterNotReachable"), Lease(Now, 40)));
        Assert.Equal(("Unknown", HealthReasons.NoStatus), Judge(new Cluster { Metadata = new V1ObjectMeta { Name = "c" }, Spec = new ClusterSpec { SyncMode = "Push" } }, null));
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(30)]
    public void An_agent_clock_30s_off_never_flaps_readiness_because_renewals_are_judged_by_when_the_hub_sees_them(int skewSeconds)
    {
        var ready = ClusterWithReady("True", "ClusterReady");
        ObservedLease? observed = null;
        for (var second = 0; second <= 300; second++)
        {
            var hubNow = Now.AddSeconds(second);
            if (second % 10 == 0) observed = ObservedLease.Next(observed, RawLease(hubNow.AddSeconds(skewSeconds), 40), hubNow);
            Assert.Equal(("True", "ClusterReady"), Judge(ready, observed, hubNow));
        }

        // The agent stops: stale one lease duration after the hub last saw a renewal.
        var lastSeen = Now.AddSeconds(300);
        Assert.Equal(("True", "ClusterReady"), Judge(ready, observed, lastSeen.AddSeconds(39)));
        Assert.Equal(("False", HealthReasons.HeartbeatStale), Judge(ready, observed, lastSeen.AddSeconds(40)));
    }

    [Fact]
    public void A_lease_first_seen_long_after_its_renewal_is_stale_at_once_a_recent_one_counts_as_renewed_now()
    {
        var ready = ClusterWithReady("True", "ClusterReady");
        var gone = ObservedLease.Next(null, RawLease(Now.AddMinutes(-5), 40), Now);
        Assert.Equal(("False", HealthReasons.HeartbeatStale), Judge(ready, gone, Now));
        Assert.Equal(300, ClusterHealthBuilder.Heartbeat(gone, Now)!.AgeSeconds);

        var recent = ObservedLease.Next(null, RawLease(Now.AddSeconds(-60), 40), Now);   // within 40s + 30s of skew
        Assert.Equal(("True", "ClusterReady"), Judge(ready, recent, Now));
        Assert.Equal(Now.AddSeconds(-60), ClusterHealthBuilder.Heartbeat(recent, Now)!.LastRenewTime);   // shown as the agent wrote it
    }

    [Fact]
    public void Capacity_ratios_round_down_and_the_uid_is_stable_per_name()
    {
        var cluster = ClusterWithReady("True", "ClusterReady");
        cluster.Status.ResourceSummary = new ResourceSummary
        {
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("3"), ["memory"] = new("0") },
            Allocated = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("1Gi") },
        };
        var health = ClusterHealthBuilder.Build(new ClusterHealthInputs(cluster, null, null), Now);
        Assert.Equal(66, health.Status.Cpu!.AllocatedPercent);
        Assert.Null(health.Status.Memory!.AllocatedPercent);
        Assert.Null(health.Status.Pods);
        Assert.Equal(ClusterHealthBuilder.UidFor("c"), health.Metadata.Uid);
        Assert.NotEqual(ClusterHealthBuilder.UidFor("c"), ClusterHealthBuilder.UidFor("d"));
        Assert.True(Guid.TryParse(health.Metadata.Uid, out _));
    }

    [Theory]
    [InlineData("env=prod", true)]
    [InlineData("env==prod,tier", true)]
    [InlineData("env!=prod", false)]
    [InlineData("env in (dev, prod)", true)]
    [InlineData("env notin (prod),!missing", false)]
    [InlineData("!tier", false)]
    [InlineData("size>3", true)]
    [InlineData("size<3", false)]
    [InlineData("example.com/team=a", true)]
    public void Label_selectors_match_as_kubernetes_does(string selector, bool matches)
    {
        var labels = new Dictionary<string, string> { ["env"] = "prod", ["tier"] = "1", ["size"] = "5", ["example.com/team"] = "a" };
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(labels));
    }

    [Theory]
    [InlineData("env in (prod")]
    [InlineData("=x")]
    [InlineData("env=a b")]
    [InlineData("size>big")]
    [InlineData("a,,b")]
    public void Malformed_label_selectors_are_refused(string selector) =>
        Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

    [Fact]
    public void The_store_numbers_changes_ignores_heartbeat_renewals_and_replays_or_refuses_watch_versions()
    {
        var store = new ClusterHealthStore(new FixedTime(Now), logCapacity: 2);
        var start = store.ResourceVersion;
        Assert.True(store.Apply("a", Health("a", "True")));
        Assert.False(store.Apply("a", Health("a", "True", heartbeatAge: 5)));   // only the heartbeat moved
        Assert.True(store.Apply("a", Health("a", "False")));
        Assert.True(store.Apply("b", Health("b", "True")));
        Assert.Equal(start + 3, store.ResourceVersion);

        // The log keeps two changes: a watch may resume after the first, not from the start.
        Assert.Throws<ResourceVersionTooOldException>(() => store.Subscribe(start));
        Assert.Throws<ResourceVersionTooOldException>(() => store.Subscribe(store.ResourceVersion + 1));
        using var resumed = store.Subscribe(start + 1);
        Assert.True(resumed.Changes.TryRead(out var first));
        Assert.Equal((WatchEventKind.Modified, "a"), (first!.Kind, first.Object.Metadata.Name));
        Assert.True(resumed.Changes.TryRead(out var second));
        Assert.Equal((WatchEventKind.Added, "b"), (second!.Kind, second.Object.Metadata.Name));

        using var fromNow = store.Subscribe(null);
        Assert.Equal(2, Enumerable.Range(0, 2).Count(_ => fromNow.Changes.TryRead(out var c) && c.Kind == WatchEventKind.Added));
        Assert.True(store.Apply("a", null));
        Assert.True(fromNow.Changes.TryRead(out var deleted));
        Assert.Equal(WatchEventKind.Deleted, deleted!.Kind);
    }

    [Fact]
    public void A_watch_that_falls_behind_is_ended_instead_of_buffering_without_bound()
    {
        var store = new ClusterHealthStore(TimeProvider.System, subscriptionCapacity: 4);
        using var slow = store.Subscribe(store.ResourceVersion);
        for (var i = 0; i < 10; i++) store.Apply($"c{i}", Health($"c{i}", "True"));
        Assert.True(slow.Overflowed);
        Assert.Equal(0, store.WatchCount);
    }

    private static (string, string?) Judge(Cluster cluster, ObservedLease? lease, DateTime? now = null)
    {
        var status = ClusterHealthBuilder.Build(new ClusterHealthInputs(cluster, lease, null), now ?? Now).Status;
        return (status.Ready, status.Reason);
    }

    private static Cluster ClusterWithReady(string status, string reason) => new()
    {
        Metadata = new V1ObjectMeta { Name = "c" },
        Spec = new ClusterSpec { SyncMode = "Push" },
        Status = new ClusterStatus { Conditions = [new V1Condition { Type = "Ready", Status = status, Reason = reason, Message = reason }] },
    };

    private static ObservedLease Lease(DateTime renewed, int seconds) => ObservedLease.AsRenewed(RawLease(renewed, seconds));

    private static V1Lease RawLease(DateTime renewed, int seconds) =>
        new() { Metadata = new V1ObjectMeta { Name = "c" }, Spec = new V1LeaseSpec { RenewTime = renewed, LeaseDurationSeconds = seconds } };

    private static ClusterHealth Health(string name, string ready, long? heartbeatAge = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Status = new ClusterHealthStatus { Ready = ready, Heartbeat = heartbeatAge is null ? null : new HeartbeatInfo { AgeSeconds = heartbeatAge } },
    };

    private sealed class FixedTime(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(now);
    }
}
