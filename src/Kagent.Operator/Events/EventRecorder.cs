using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Events;

/// <summary>
/// Writes core/v1 Events in the background, as client-go's broadcaster does: recording one only queues it, so a
/// reconcile never waits on the events API (a slow one would otherwise hold its worker, and every change behind it).
/// A repeat of the same event (object, type, reason, message) updates count and lastTimestamp of the existing Event
/// instead of creating another; each object is rate-limited, so a storm of changes cannot flood the API server; past
/// the queue's capacity events are dropped and counted. Never throws: events are best effort.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable, IDisposable
{
    private readonly IKubernetes _client;
    private readonly EventRecorderOptions _options;
    private readonly ILogger<EventRecorder> _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new();
    private readonly Dictionary<string, RecordedEvent> _recorded = [];
    private readonly Channel<PendingEvent> _pending;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writing;
    private long _dropped;

    public EventRecorder(IKubernetes client, EventRecorderOptions options, ILogger<EventRecorder> logger, TimeProvider? time = null)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _pending = Channel.CreateBounded<PendingEvent>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            full =>
            {
                CountDropped("queue_full");
                _logger.EventQueueFull(full.Reason, full.Involved.Kind, full.Involved.Name, _options.QueueCapacity);
            });
        _writing = Task.Run(WriteQueuedAsync);
    }

    /// <summary>Events not written because their object exceeded its rate or the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Normal(V1ObjectReference involved, string reason, string message) => Record(involved, "Normal", reason, message);

    public void Warning(V1ObjectReference involved, string reason, string message) => Record(involved, "Warning", reason, message);

    /// <summary>Queues the event, stamped with the time of this call.</summary>
    public void Record(V1ObjectReference involved, string type, string reason, string message)
    {
        var objectKey = $"{involved.ApiVersion}/{involved.Kind}/{involved.NamespaceProperty}/{involved.Name}/{involved.Uid}";
        if (_buckets.Count >= _options.AggregationCacheSize) _buckets.Clear();
        var bucket = _buckets.GetOrAdd(objectKey, _ => new TokenBucket(1 / _options.RefillPeriod.TotalSeconds, _options.BurstPerObject, _time));
        if (bucket.TryTake())
        {
            _pending.Writer.TryWrite(new PendingEvent(involved, objectKey, type, reason, message, _time.GetUtcNow().UtcDateTime));
            return;
        }

        CountDropped("rate_limited");
        _logger.EventDropped(reason, involved.Kind, involved.Name);
    }

    /// <summary>Writes what is queued (a few seconds at most), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        try
        {
            await _writing.WaitAsync(_options.DrainTimeout, _time);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync();
            await _writing;
        }

        _stopping.Dispose();
    }

    /// <summary>For a container disposed synchronously: the same, blocking for those few seconds at most.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void Count(string result) => OperatorInstruments.Events.Add(1, OperatorInstruments.Tag("result", result));

    private void CountDropped(string result)
    {
        Interlocked.Increment(ref _dropped);
        Count(result);
    }

    private async Task WriteQueuedAsync()
    {
        try
        {
            await foreach (var pending in _pending.Reader.ReadAllAsync(_stopping.Token)) await WriteAsync(pending, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(PendingEvent pending, CancellationToken cancellationToken)
    {
        var (involved, objectKey, type, reason, message, at) = pending;
        var eventKey = $"{objectKey}/{type}/{reason}/{message}";
        var ns = string.IsNullOrEmpty(involved.NamespaceProperty) ? "default" : involved.NamespaceProperty;
        try
        {
            if (_recorded.TryGetValue(eventKey, out var previous) && await TryIncrementAsync(previous, at, cancellationToken) is { } updated)
            {
                _recorded[eventKey] = updated;
                Count("written");
                return;
            }

            var created = await _client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = $"{involved.Name}.{at.Ticks:x}", NamespaceProperty = ns },
                InvolvedObject = involved,
                Type = type,
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = at,
                LastTimestamp = at,
                Source = new V1EventSource { Component = _options.Component, Host = _options.Host },
                ReportingComponent = _options.Component,
                ReportingInstance = _options.Host,
            }, ns, cancellationToken: cancellationToken);
            if (_recorded.Count >= _options.AggregationCacheSize) _recorded.Clear();
            _recorded[eventKey] = new RecordedEvent(ns, created.Metadata.Name, 1);
            Count("written");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // A timeout too: the next event is written all the same.
            Count("failed");
            _logger.EventNotRecorded(e, reason, involved.Kind, involved.Name);
        }
    }

    private async Task<RecordedEvent?> TryIncrementAsync(RecordedEvent previous, DateTime at, CancellationToken cancellationToken)
    {
        var count = previous.Count + 1;
        var patch = new V1Patch(new { count, lastTimestamp = at }, V1Patch.PatchType.MergePatch);
        try
        {
            await _client.CoreV1.PatchNamespacedEventAsync(patch, previous.Name, previous.Namespace, cancellationToken: cancellationToken);
            return previous with { Count = count };
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private sealed record PendingEvent(V1ObjectReference Involved, string ObjectKey, string Type, string Reason, string Message, DateTime At);

    private sealed record RecordedEvent(string Namespace, string Name, int Count);
}
