using k8s;
using k8s.Models;
using Kagent.Operator.Events;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Kagent.Tests.Operator;

[Collection(FleetCollection.Name)]
public sealed class EventRecorderTests(FleetFixture fleet)
{
    [Fact]
    public async Task Repeats_are_aggregated_into_one_event_and_each_object_is_rate_limited()
    {
        var ns = $"events-{Guid.NewGuid().ToString("N")[..6]}";
        await fleet.ControlPlane.EnsureNamespaceAsync(ns);
        await using var recorder = new EventRecorder(fleet.ControlPlane.Admin, new EventRecorderOptions { Component = "kagent-test", BurstPerObject = 8 }, NullLogger<EventRecorder>.Instance);
        var involved = new V1ObjectReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "subject", NamespaceProperty = ns, Uid = Guid.NewGuid().ToString() };

        for (var i = 0; i < 5; i++) recorder.Warning(involved, "Flapping", "the same thing happened again");
        for (var i = 0; i < 10; i++) recorder.Normal(involved, "Changed", $"distinct change {i}");

        // Recording only queues; the events appear as they are written.
        IList<Corev1Event> events = [];
        await Eventually.TrueAsync(async () =>
        {
            events = (await fleet.ControlPlane.Admin.CoreV1.ListNamespacedEventAsync(ns)).Items;
            return events.SingleOrDefault(e => e.Reason == "Flapping")?.Count == 5 && events.Count(e => e.Reason == "Changed") == 3;
        }, TimeSpan.FromSeconds(30), "5 repeats counted on one event, 3 distinct changes written");
        var flapping = Assert.Single(events, e => e.Reason == "Flapping");
        Assert.True(flapping.LastTimestamp >= flapping.FirstTimestamp);
        Assert.Equal("kagent-test", flapping.Source.Component);
        Assert.Equal(involved.Uid, flapping.InvolvedObject.Uid);

        // A burst of 8 per object: 5 went to the repeats, so only 3 distinct changes were written.
        Assert.Equal(3, events.Count(e => e.Reason == "Changed"));
        Assert.Equal(7, recorder.Dropped);
    }
}
