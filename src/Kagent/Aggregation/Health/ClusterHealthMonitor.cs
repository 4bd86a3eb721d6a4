using k8s.Models;
using Kagent.Aggregation.Availability;
using Kagent.Api.Karmada;
using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;

namespace Kagent.Aggregation.Health;

/// <summary>
/// Keeps <see cref="ClusterHealthStore"/> current: reads the shared caches of Karmada Clusters, heartbeat Leases and
/// ClusterRegistrations, recomputes a cluster's health whenever one of them changes, and again when its heartbeat
/// goes stale, so that watches see a silent agent as not ready within a second of its Lease expiring.
/// Runs in every hub replica (reads only).
/// </summary>
public sealed class ClusterHealthMonitor : BackgroundService
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(5);

    private readonly ResourceWatcher<Cluster> _clusters;
    private readonly ResourceWatcher<V1Lease> _leases;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ObservedLease> _renewals = new();
    private readonly ResourceWatcher<ClusterRegistration> _registrations;
    private readonly ResourceWatcher<ClusterAvailability> _availability;
    private readonly AvailabilityAnswers _availabilityAnswers = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _sharedStrings = new(StringComparer.Ordinal);
    private readonly ClusterHealthStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ClusterHealthMonitor> _logger;
    private readonly object _gate = new();
    private readonly PriorityQueue<string, DateTime> _staleChecks = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterHealthMonitor([FromKeyedServices(ClusterNames.Karmada)] KubeClient client, SharedCaches caches, ClusterHealthStore store, TimeProvider time, ILogger<ClusterHealthMonitor> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _clusters = caches.For<Cluster>(client, ResourcePath.For<Cluster>(), transform: Hub.HubCaches.ClusterWithoutBulk);
        _leases = caches.For<V1Lease>(client, new ResourcePath("coordination.k8s.io", "v1", "leases", KarmadaConstants.ClusterNamespace));
        _registrations = caches.For<ClusterRegistration>(client, ResourcePath.For<ClusterRegistration>());
        _availability = caches.For<ClusterAvailability>(client, ResourcePath.For<ClusterAvailability>(), transform: ForCache);
        _clusters.Subscribe(change => Recompute(change.Object.Metadata.Name));
        _leases.Subscribe(change =>
        {
            ObserveRenewal(change);
            Recompute(change.Object.Metadata.Name);
        });
        _registrations.Subscribe(change => Recompute(change.Object.Metadata.Name));
    }

    /// <summary>Completes once every watch has listed and every cluster's health has been computed.</summary>
    public Task Synced => _synced.Task;

    public ClusterHealthStore Store => _store;

    /// <summary>A stored object as served now: with the heartbeat (renew time and age) of the current Lease and the availability until now.</summary>
    public ClusterHealth Render(ClusterHealth stored) =>
        new() { Metadata = stored.Metadata, Status = stored.Status.WithLive(HeartbeatOf(stored), AvailabilityOf(stored)) };

    /// <summary>What a stored object's answer splices in as of now.</summary>
    public ClusterHealthJson.Live LiveOf(ClusterHealth stored) =>
        new(HeartbeatOf(stored), _availabilityAnswers.JsonOf(AvailabilityRecordOf(stored.Metadata.Name), _time.GetUtcNow().UtcDateTime));

    /// <summary>The availability of a stored object's cluster as of now, from its history; null before the hub recorded any.</summary>
    public AvailabilityInfo? AvailabilityOf(ClusterHealth stored) =>
        _availabilityAnswers.Of(AvailabilityRecordOf(stored.Metadata.Name), _time.GetUtcNow().UtcDateTime);

    /// <summary>Completes once the readiness histories have been listed.</summary>
    public Task AvailabilitySynced => _availability.Synced;

    /// <summary>Every cluster's readiness history (<see cref="Availability.AvailabilityRecorder"/> writes them).</summary>
    public IEnumerable<ClusterAvailability> AvailabilityRecords => _availability.Items;

    public ClusterAvailability? AvailabilityRecordOf(string name) => _availability.Get(name);

    /// <summary>The heartbeat of a stored object's cluster as of now.</summary>
    public HeartbeatInfo? HeartbeatOf(ClusterHealth stored) =>
        ClusterHealthBuilder.Heartbeat(Observed(stored.Metadata.Name), _time.GetUtcNow().UtcDateTime);

    /// <summary>The current Lease of a cluster, if any (the probe subresource reports when the agent last reported).</summary>
    public ObservedLease? LeaseOf(string name) => Observed(name);

    public Cluster? ClusterOf(string name) => _clusters.Get(name);

    /// <summary>Every ClusterRegistration, also those without a Cluster yet (pending, denied).</summary>
    public IEnumerable<ClusterRegistration> Registrations => _registrations.Items;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(_clusters.Synced, _leases.Synced, _registrations.Synced).WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        foreach (var name in _clusters.Items.Select(c => c.Metadata.Name).Concat(_store.Names()).Distinct().ToList()) Recompute(name, force: true);
        _synced.TrySetResult();
        _logger.ServingHealth(_store.Snapshot().Items.Count);
        await RecheckStaleHeartbeatsAsync(stoppingToken);
    }

    private void Recompute(string name, bool force = false)
    {
        // Before every watch has listed, a cluster may be seen without its Lease; wait for the first full picture.
        if (!force && !_synced.Task.IsCompleted) return;
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            var cluster = _clusters.Get(name);
            if (cluster is null)
            {
                _store.Apply(name, null);
                return;
            }

            var lease = Observed(name);
            var health = ClusterHealthBuilder.Build(new ClusterHealthInputs(cluster, lease, _registrations.Get(name)), now);
            health.Status = health.Status.WithLive(null, null);
            _store.Apply(name, health);
            if (ClusterHealthBuilder.StaleAt(lease) is { } staleAt && staleAt > now)
            {
                var wakeEarlier = !_staleChecks.TryPeek(out _, out var first) || staleAt < first;
                _staleChecks.Enqueue(name, staleAt);
                if (wakeEarlier) _wake.Release();
            }
        }
    }

    private async Task RecheckStaleHeartbeatsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = new List<string>();
            TimeSpan sleep;
            lock (_gate)
            {
                var now = _time.GetUtcNow().UtcDateTime;
                while (_staleChecks.TryPeek(out var name, out var at) && at <= now)
                {
                    _staleChecks.Dequeue();
                    due.Add(name);
                }

                sleep = _staleChecks.TryPeek(out _, out var next) ? Min(next - now, MaxSleep) : MaxSleep;
            }

            foreach (var name in due.Distinct()) Recompute(name);
            try
            {
                await _wake.WaitAsync(sleep, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The cluster's Lease with when this hub saw its latest renewal (only for Leases of the watched namespace).</summary>
    private ObservedLease? Observed(string cluster) => _renewals.TryGetValue(cluster, out var observed) ? observed : null;

    private void ObserveRenewal(WatchEvent<V1Lease> change)
    {
        var name = change.Object.Metadata.Name;
        if (change.Kind == WatchEventKind.Deleted)
        {
            _renewals.TryRemove(name, out _);
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        _renewals.AddOrUpdate(name, (_, lease) => ObservedLease.Next(null, lease, now), (_, previous, lease) => ObservedLease.Next(previous, lease, now), change.Object);
    }

    /// <summary>As cached: without managedFields, and each state and reason one shared string (a thousand records hold a hundred transitions each).</summary>
    private ClusterAvailability ForCache(ClusterAvailability record)
    {
        record.Metadata.ManagedFields = null;
        foreach (var transition in record.Spec.Transitions)
        {
            transition.State = Shared(transition.State);
            if (transition.Reason is { } reason) transition.Reason = Shared(reason);
        }

        return record;
    }

    /// <summary>One instance per distinct value, for the first thousand values (what anyone writes into a record cannot grow it further).</summary>
    private string Shared(string value) =>
        _sharedStrings.TryGetValue(value, out var shared) ? shared : _sharedStrings.Count < 1000 ? _sharedStrings.GetOrAdd(value, value) : value;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a < TimeSpan.Zero ? TimeSpan.Zero : a) : b;
}
