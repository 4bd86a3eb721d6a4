using System.Net;
using k8s.Autorest;
using k8s.Models;
using Kagent.Aggregation.Health;
using Kagent.Api;
using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Aggregation.Availability;

/// <summary>
/// Keeps every cluster's ClusterAvailability: each change between up and down that the health store publishes is
/// one write, a hub outage (no renewal of the observation marker for longer than its tolerance) is recorded as
/// unobserved when a hub takes over, and every observation interval the records are checked against the store, so a
/// change missed (a failed write, a burst the subscription dropped) is recorded late rather than lost. Runs in the
/// leading hub replica only; every replica serves what it wrote.
/// </summary>
public sealed class AvailabilityRecorder(
    ClusterHealthMonitor monitor,
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient client,
    ObservationMarker marker,
    AvailabilityOptions options,
    TimeProvider time,
    ILogger<AvailabilityRecorder> logger) : IControllerRunner, IDisposable
{
    public const string HubNotObserving = "HubNotObserving";

    private readonly EntityClient<ClusterAvailability> _records = new(client);
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>What this replica wrote last, per cluster: newer than the cache until the watch brings it.</summary>
    private readonly Dictionary<string, ClusterAvailability> _written = new(StringComparer.Ordinal);

    public string Name => "AvailabilityRecorder";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(monitor.Synced, monitor.AvailabilitySynced).WaitAsync(cancellationToken);
        _written.Clear();
        var gapSince = await marker.TakeOverAsync(cancellationToken);
        if (gapSince is { } since) logger.ObservationGap(since);
        logger.RecordingAvailability(monitor.Store.Snapshot().Items.Count);
        await CatchUpAsync(gapSince, cancellationToken);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = marker.KeepRenewingAsync(stop.Token);
        var checking = CheckEveryIntervalAsync(stop.Token);
        try
        {
            await FollowChangesAsync(cancellationToken);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(renewing, checking);
        }
    }

    private async Task FollowChangesAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var subscription = monitor.Store.Subscribe(monitor.Store.ResourceVersion);
            try
            {
                await foreach (var change in subscription.Changes.ReadAllAsync(cancellationToken))
                {
                    var name = change.Object.Metadata.Name;
                    if (change.Kind == WatchEventKind.Deleted) await DeleteAsync(name, cancellationToken);
                    else await RecordAsync(name, change.Object, null, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            logger.AvailabilityBehind();
            await CatchUpAsync(null, cancellationToken);
        }
    }

    private async Task CheckEveryIntervalAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ObservationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await CatchUpAsync(null, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Brings every record in line with the store: records the current state (after a gap, if any) and deletes records of clusters gone.</summary>
    private async Task CatchUpAsync(DateTime? gapSince, CancellationToken cancellationToken)
    {
        var (_, items) = monitor.Store.Snapshot();
        foreach (var health in items) await RecordAsync(health.Metadata.Name, health, gapSince, cancellationToken);
        var current = items.Select(h => h.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in monitor.AvailabilityRecords.Select(r => r.Metadata.Name).Where(n => !current.Contains(n)).ToList())
        {
            await DeleteAsync(name, cancellationToken);
        }
    }

    private async Task RecordAsync(string name, ClusterHealth health, DateTime? gapSince, CancellationToken cancellationToken)
    {
        var state = StateOf(health);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var known = Latest(name);
            if (gapSince is null && known is not null && AvailabilityHistory.Current(known.Spec)?.State == state) return;
            for (var attempt = 0; ; attempt++)
            {
                var record = known is null ? New(name) : KubeJson.Clone(known);
                var now = time.GetUtcNow().UtcDateTime;
                var changed = false;
                if (gapSince is { } since && AvailabilityHistory.Current(record.Spec) is { } last && last.Time < since)
                    changed = AvailabilityHistory.Record(record.Spec, AvailabilityStates.Unobserved, HubNotObserving, since);
                changed |= AvailabilityHistory.Record(record.Spec, state, health.Status.Reason, now);
                if (!changed) return;
                try
                {
                    _written[name] = known is null ? await _records.CreateAsync(record, cancellationToken) : await _records.ReplaceAsync(record, cancellationToken);
                    return;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound && attempt == 0)
                {
                    // Someone else wrote or removed it (an earlier leader, a person): start from what is there.
                    _written.Remove(name);
                    known = await _records.GetAsync(name, cancellationToken: cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            logger.AvailabilityWriteFailed(e, name);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            _written.Remove(name);
            await _records.DeleteAsync(name, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            logger.AvailabilityWriteFailed(e, name);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>What this replica wrote (only the leader writes), else what the watch brought.</summary>
    private ClusterAvailability? Latest(string name) => _written.TryGetValue(name, out var written) ? written : monitor.AvailabilityRecordOf(name);

    private static ClusterAvailability New(string name) => new()
    {
        ApiVersion = KagentConstants.GroupVersion,
        Kind = "ClusterAvailability",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "kagent" } },
    };

    public void Dispose() => _writing.Dispose();

    /// <summary>Up when clusterhealth shows the cluster ready (fresh heartbeat and Ready True); down otherwise.</summary>
    public static string StateOf(ClusterHealth health) => health.Status.Ready == "True" ? AvailabilityStates.Up : AvailabilityStates.Down;
}
