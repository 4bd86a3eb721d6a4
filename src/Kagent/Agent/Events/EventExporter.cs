using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Agent.Registration;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.RateLimiting;

namespace Kagent.Agent.Events;

/// <summary>
/// Forwards the member's Warning events (filtered by reason, kind and namespace) to the control plane's
/// karmada-es-&lt;cluster&gt; namespace: one Event per distinct event, its count and last timestamp updated instead of new
/// objects, writes rate-limited (--event-export-qps, --event-export-burst) so that a storm in the member costs the
/// control plane at most burst + qps × seconds writes. Runs only on the leading replica, once registered.
/// </summary>
public sealed class EventExporter(
    AgentOptions options,
    RegistrationState registration,
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient karmada,
    [FromKeyedServices(ClusterNames.Member)] KubeClient member,
    EventExportMetrics metrics,
    TimeProvider time,
    RuntimeHealth runtime,
    ILogger<EventExporter> logger) : IControllerRunner
{
    private static readonly TimeSpan MissingNamespaceRetry = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxFailureBackoff = TimeSpan.FromSeconds(30);
    private readonly EventExportOptions _export = options.EventExport;
    private readonly EventExportQueue _queue = new(options.EventExport.MaxPending);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly HashSet<string> _exported = [];
    private long _rescannedAtDrops;

    public string Name => "event-export";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await registration.Registered.WaitAsync(cancellationToken);
        var events = new ResourceWatcher<Corev1Event>(member, new ResourcePath("", "v1", "events"),
            new ResourceWatcherOptions { FieldSelector = "type=Warning", PageSize = 500 }, Slim, logger);
        events.Subscribe(OnMemberEvent);
        using var tracked = runtime.Track(events);
        logger.EventExportStarted(ExportedEvents.NamespaceFor(options.ClusterName), _export.Qps, _export.Burst);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = events.RunAsync(stop.Token);
        try
        {
            await WriteLoopAsync(events, cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await watch;
        }
    }

    private void OnMemberEvent(WatchEvent<Corev1Event> change)
    {
        if (change.Kind == WatchEventKind.Deleted)
        {
            _queue.Forget(change.Object);
            return;
        }

        if (!_export.Matches(change.Object)) return;
        var result = _queue.Observe(change.Object);
        metrics.Observed(result);
        if (result == ObserveResult.Queued) _wake.Writer.TryWrite(true);
    }

    private async Task WriteLoopAsync(ResourceWatcher<Corev1Event> events, CancellationToken cancellationToken)
    {
        var limiter = new TokenBucket(_export.Qps, _export.Burst, time);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), MaxFailureBackoff);
        var failures = 0;
        var namespaceMissing = false;
        while (await _wake.Reader.WaitToReadAsync(cancellationToken))
        {
            _wake.Reader.TryRead(out _);
            while (_queue.TryTake(out var pending))
            {
                metrics.Pending(_queue.Pending);
                await limiter.WaitAsync(cancellationToken);
                try
                {
                    metrics.Written(await WriteAsync(pending, cancellationToken));
                    if (namespaceMissing || failures > 0) logger.EventExportResumed(ExportedEvents.NamespaceFor(options.ClusterName));
                    namespaceMissing = false;
                    failures = 0;
                    backoff.Reset();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    _queue.Retry(pending.Key);
                    var delay = OnFailure(e, ref namespaceMissing, ref failures, backoff);
                    await Task.Delay(delay, time, cancellationToken);
                }
            }

            metrics.Pending(_queue.Pending);
            RescanAfterDrops(events);
        }
    }

    /// <summary>Logs a failure once per streak (no flood while the control plane is away) and says how long to wait.</summary>
    private TimeSpan OnFailure(Exception e, ref bool namespaceMissing, ref int failures, Backoff backoff)
    {
        metrics.Written("failed");
        if (e is NamespaceMissingException)
        {
            if (!namespaceMissing)
            {
                logger.EventNamespaceMissing(ExportedEvents.NamespaceFor(options.ClusterName));
            }

            namespaceMissing = true;
            return MissingNamespaceRetry;
        }

        if (failures++ == 0) logger.EventExportFailed(e);
        return backoff.Next();
    }

    /// <summary>Events dropped while the queue was full get another chance once it has drained.</summary>
    private void RescanAfterDrops(ResourceWatcher<Corev1Event> events)
    {
        var dropped = _queue.Dropped;
        if (dropped == _rescannedAtDrops || _queue.Pending > 0) return;
        _rescannedAtDrops = dropped;
        foreach (var e in events.Items) OnMemberEvent(new WatchEvent<Corev1Event>(WatchEventKind.Modified, e, null));
    }

    /// <summary>Creates the distinct event's Event, or updates its count; returns created or updated.</summary>
    private async Task<string> WriteAsync(PendingExport pending, CancellationToken cancellationToken)
    {
        var exported = ExportedEvents.Build(options.ClusterName, pending);
        var ns = exported.Metadata.NamespaceProperty;
        if (_exported.Contains(pending.Key))
        {
            try
            {
                await PatchCountAsync(exported, exported.Count ?? 1, cancellationToken);
                return "updated";
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                _exported.Remove(pending.Key); // expired in the control plane: create it again
            }
        }

        try
        {
            await karmada.CoreV1.CreateNamespacedEventAsync(exported, ns, cancellationToken: cancellationToken);
            Remember(pending.Key);
            return "created";
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Exported before (by this agent before a restart, or by another replica): never count down.
            var existing = await karmada.CoreV1.ReadNamespacedEventAsync(exported.Metadata.Name, ns, cancellationToken: cancellationToken);
            await PatchCountAsync(exported, Math.Max(existing.Count ?? 0, exported.Count ?? 1), cancellationToken);
            Remember(pending.Key);
            return "updated";
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new NamespaceMissingException();
        }
    }

    private Task PatchCountAsync(Corev1Event exported, int count, CancellationToken cancellationToken) =>
        karmada.CoreV1.PatchNamespacedEventAsync(
            new V1Patch(new { count, lastTimestamp = exported.LastTimestamp, message = exported.Message }, V1Patch.PatchType.MergePatch),
            exported.Metadata.Name, exported.Metadata.NamespaceProperty, cancellationToken: cancellationToken);

    private void Remember(string key)
    {
        if (_exported.Count >= 50_000) _exported.Clear();
        _exported.Add(key);
    }

    /// <summary>What export needs of a member Event; managed fields and annotations are dropped.</summary>
    private static Corev1Event Slim(Corev1Event e)
    {
        e.Metadata.ManagedFields = null;
        e.Metadata.Annotations = null;
        e.Metadata.Labels = null;
        e.Related = null;
        return e;
    }

    private sealed class NamespaceMissingException : Exception;
}
