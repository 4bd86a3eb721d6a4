using k8s.Models;
using Kagent.Agent.Events;
using Xunit;

namespace Kagent.UnitTests.Agent;

/// <summary>Deduplication, coalescing, bounds and filters of event export, without servers.</summary>
public sealed class EventExportUnitTests
{
    [Fact]
    public void Events_with_the_same_object_reason_and_message_are_one_distinct_event_whose_count_is_the_sum()
    {
        var queue = new EventExportQueue(maxPending: 10);
        Assert.Equal(ObserveResult.Queued, queue.Observe(Warning("a", "pod-1", "BackOff", "restarting", count: 3)));
        Assert.Equal(ObserveResult.Coalesced, queue.Observe(Warning("b", "pod-1", "BackOff", "restarting", count: 2)));
        Assert.Equal(ObserveResult.Coalesced, queue.Observe(Warning("a", "pod-1", "BackOff", "restarting", count: 5)));
        Assert.Equal(ObserveResult.Unchanged, queue.Observe(Warning("a", "pod-1", "BackOff", "restarting", count: 5)));

        Assert.True(queue.TryTake(out var pending));
        Assert.Equal(7, pending.Count); // a counted at 5, b at 2: each member Event once, by UID
        Assert.False(queue.TryTake(out _));

        // A repeat after the write queues the distinct event again, with the new total.
        Assert.Equal(ObserveResult.Queued, queue.Observe(Warning("b", "pod-1", "BackOff", "restarting", count: 4)));
        Assert.True(queue.TryTake(out pending));
        Assert.Equal(9, pending.Count);
    }

    [Fact]
    public void A_full_queue_drops_new_distinct_events_but_still_coalesces_waiting_ones_and_a_failed_write_waits_again()
    {
        var queue = new EventExportQueue(maxPending: 2);
        queue.Observe(Warning("a", "pod-1", "BackOff", "m"));
        queue.Observe(Warning("b", "pod-2", "BackOff", "m"));
        Assert.Equal(ObserveResult.Dropped, queue.Observe(Warning("c", "pod-3", "BackOff", "m")));
        Assert.Equal(ObserveResult.Coalesced, queue.Observe(Warning("d", "pod-1", "BackOff", "m")));
        Assert.Equal(1, queue.Dropped);

        Assert.True(queue.TryTake(out var first));
        queue.Retry(first.Key);
        Assert.True(queue.TryTake(out var second));
        Assert.NotEqual(first.Key, second.Key);
        Assert.True(queue.TryTake(out var again));
        Assert.Equal(first.Key, again.Key);

        // Once drained, the dropped event is taken when seen again.
        Assert.Equal(ObserveResult.Queued, queue.Observe(Warning("c", "pod-3", "BackOff", "m")));
    }

    [Fact]
    public void An_expired_member_event_keeps_its_count()
    {
        var queue = new EventExportQueue(maxPending: 10);
        var first = Warning("a", "pod-1", "BackOff", "m", count: 4);
        queue.Observe(first);
        queue.TryTake(out _);
        queue.Forget(first);
        queue.Observe(Warning("b", "pod-1", "BackOff", "m", count: 1));
        Assert.True(queue.TryTake(out var pending));
        Assert.Equal(5, pending.Count);
    }

    [Theory]
    [InlineData("Warning", "BackOff", "Pod", "apps", true)]
    [InlineData("Normal", "BackOff", "Pod", "apps", false)]
    [InlineData("Warning", "Pulled", "Pod", "apps", false)]
    [InlineData("Warning", "BackOff", "Node", "apps", false)]
    [InlineData("Warning", "BackOff", "Pod", "kube-system", false)]
    public void Filters_select_warnings_by_reason_kind_and_namespace(string type, string reason, string kind, string ns, bool exported)
    {
        var options = new EventExportOptions
        {
            Reasons = new HashSet<string> { "BackOff", "FailedMount" },
            Kinds = new HashSet<string> { "Pod" },
            Namespaces = new HashSet<string> { "apps" },
        };
        var e = Warning("a", "pod-1", reason, "m", ns: ns);
        e.Type = type;
        e.InvolvedObject.Kind = kind;
        Assert.Equal(exported, options.Matches(e));
        Assert.Equal(type == "Warning", new EventExportOptions().Matches(e));
    }

    [Fact]
    public void The_exported_event_names_its_cluster_and_original_object_in_the_execution_space()
    {
        var queue = new EventExportQueue(maxPending: 10);
        queue.Observe(Warning("a", "web-1", "BackOff", "Back-off restarting failed container", ns: "shop", count: 3));
        queue.TryTake(out var pending);

        var exported = ExportedEvents.Build("member1", pending);
        Assert.Equal("karmada-es-member1", exported.Metadata.NamespaceProperty);
        Assert.Equal($"member1.{pending.Key}", exported.Metadata.Name);
        Assert.Equal("member1", exported.Metadata.Labels[ExportedEvents.SourceClusterLabel]);
        Assert.Equal("shop", exported.Metadata.Annotations[ExportedEvents.SourceNamespaceAnnotation]);
        Assert.Equal("shop/a", exported.Metadata.Annotations[ExportedEvents.SourceEventAnnotation]);
        Assert.Equal(("Pod", "web-1", "uid-web-1", "karmada-es-member1"),
            (exported.InvolvedObject.Kind, exported.InvolvedObject.Name, exported.InvolvedObject.Uid, exported.InvolvedObject.NamespaceProperty));
        Assert.Equal("[member1/shop] Back-off restarting failed container", exported.Message);
        Assert.Equal(("Warning", "BackOff", 3), (exported.Type, exported.Reason, exported.Count));
        Assert.Equal(("kagent-agent", "member1"), (exported.Source.Component, exported.Source.Host));
    }

    private static Corev1Event Warning(string name, string pod, string reason, string message, string ns = "default", int count = 1) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = $"uid-{name}" },
        InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod, NamespaceProperty = ns, Uid = $"uid-{pod}" },
        Type = "Warning",
        Reason = reason,
        Message = message,
        Count = count,
        Source = new V1EventSource { Component = "kubelet" },
        LastTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(count),
    };
}
