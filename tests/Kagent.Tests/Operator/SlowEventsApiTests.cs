using k8s;
using k8s.Models;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.Events;
using Kagent.Testing.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Kagent.Tests.Operator;

/// <summary>
/// An events API that answers only after a minute (WireMock.Net): recording never waits on it, the queue is bounded
/// (what does not fit is dropped and counted), and shutdown gives up the queued events after its drain timeout.
/// </summary>
public sealed class SlowEventsApiTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task Recording_only_queues_and_what_does_not_fit_is_dropped_and_counted()
    {
        _server.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("{}").WithDelay(TimeSpan.FromMinutes(1)));
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = _server.Url! });
        var recorder = new EventRecorder(client, new EventRecorderOptions { Component = "kagent-test", QueueCapacity = 10, DrainTimeout = TimeSpan.FromSeconds(1) },
            NullLogger<EventRecorder>.Instance);

        // Distinct objects, so that no per-object rate applies: all but the queue's capacity (and the one being
        // written, if the writer took it already) are dropped, and every call returned without waiting.
        using var queueFull = new InstrumentTotals(OperatorInstruments.Events.Name, "result", "queue_full");
        for (var i = 0; i < 50; i++) recorder.Warning(new V1ObjectReference { Kind = "ConfigMap", Name = $"cm-{i}", NamespaceProperty = "default" }, "Changed", "it changed");
        Assert.InRange(recorder.Dropped, 50 - 10 - 1, 50 - 10);

        // kagent_events_recorded_total{result="queue_full"} counts them (at least these: the meter is process-wide).
        Assert.True(queueFull.Total >= recorder.Dropped, $"{queueFull.Total} queue_full measurements for {recorder.Dropped} dropped");

        await recorder.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
