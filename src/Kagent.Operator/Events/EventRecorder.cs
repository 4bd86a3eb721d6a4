using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.RateLimiting;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Events;

/// <summary>
/// Writes core/v1 Events. A repeat of the same event (object, type, reason, message) updates count and
/// lastTimestamp of the existing Event instead of creating another; each object is rate-limited, so a storm
/// of changes cannot flood the API server. Never throws: events are best effort.
/// </summary>
public sealed class EventRecorder(IKubernetes client, EventRecorderOptions options, ILogger<EventRecorder> logger, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, RecordedEvent> _recorded = new();
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new();
    private long _dropped;

    /// <summary>Events not written because their object exceeded its rate.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public Task NormalAsync(V1ObjectReference involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, "Normal", reason, message, cancellationToken);

    public Task WarningAsync(V1ObjectReference involved, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(involved, "Warning", reason, message, cancellationToken);

    public async Task RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        var objectKey = $"{involved.ApiVersion}/{involved.Kind}/{involved.NamespaceProperty}/{involved.Name}/{involved.Uid}";
        if (_buckets.Count >= options.AggregationCacheSize) _buckets.Clear();
        var bucket = _buckets.GetOrAdd(objectKey, _ => new TokenBucket(1 / options.RefillPeriod.TotalSeconds, options.BurstPerObject, _time));
        if (!bucket.TryTake())
        {
            Interlocked.Increment(ref _dropped);
            logger.EventDropped(reason, involved.Kind, involved.Name);
            return;
        }

        var eventKey = $"{objectKey}/{type}/{reason}/{message}";
        var now = _time.GetUtcNow().UtcDateTime;
        var ns = string.IsNullOrEmpty(involved.NamespaceProperty) ? "default" : involved.NamespaceProperty;
        try
        {
            if (_recorded.TryGetValue(eventKey, out var previous) && await TryIncrementAsync(previous, now, cancellationToken) is { } updated)
            {
                _recorded[eventKey] = updated;
                return;
            }

            var created = await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = $"{involved.Name}.{now.Ticks:x}", NamespaceProperty = ns },
                InvolvedObject = involved,
                Type = type,
                Reason = reason,
                Message = message,
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = options.Component, Host = options.Host },
                ReportingComponent = options.Component,
                ReportingInstance = options.Host,
            }, ns, cancellationToken: cancellationToken);
            if (_recorded.Count >= options.AggregationCacheSize) _recorded.Clear();
            _recorded[eventKey] = new RecordedEvent(ns, created.Metadata.Name, 1);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.EventNotRecorded(e, reason, involved.Kind, involved.Name);
        }
    }

    private async Task<RecordedEvent?> TryIncrementAsync(RecordedEvent previous, DateTime now, CancellationToken cancellationToken)
    {
        var count = previous.Count + 1;
        var patch = new V1Patch(new { count, lastTimestamp = now }, V1Patch.PatchType.MergePatch);
        try
        {
            await client.CoreV1.PatchNamespacedEventAsync(patch, previous.Name, previous.Namespace, cancellationToken: cancellationToken);
            return previous with { Count = count };
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private sealed record RecordedEvent(string Namespace, string Name, int Count);
}
