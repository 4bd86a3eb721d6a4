using Kagent.Api.V1Alpha1;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;

namespace Kagent.Aggregation.Health;

/// <summary>One change of a ClusterHealth, numbered by the store's resourceVersion.</summary>
public sealed record HealthChange(long ResourceVersion, WatchEventKind Kind, ClusterHealth Object, ClusterHealth? Old);

/// <summary>
/// The current ClusterHealth objects with a resourceVersion that grows with every change, a bounded log of recent
/// changes from which watches resume, and the fan-out to open watches. Objects are never changed once stored.
/// Versions start from the start time in microseconds, so that versions from an earlier process (or another
/// replica) are recognisably unknown and get 410 Gone rather than a silently wrong resume.
/// </summary>
public sealed class ClusterHealthStore
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, ClusterHealth> _items = new(StringComparer.Ordinal);
    private readonly Queue<HealthChange> _log = new();
    private readonly List<HealthSubscription> _subscriptions = [];
    private readonly int _logCapacity;
    private readonly int _subscriptionCapacity;
    private long _resourceVersion;
    private long _oldestWatchable;

    public ClusterHealthStore(TimeProvider time, int logCapacity = 4096, int subscriptionCapacity = 2048)
    {
        _logCapacity = logCapacity;
        _subscriptionCapacity = subscriptionCapacity;
        _resourceVersion = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        _oldestWatchable = _resourceVersion;
    }

    public long ResourceVersion
    {
        get { lock (_lock) return _resourceVersion; }
    }

    public int WatchCount
    {
        get { lock (_lock) return _subscriptions.Count; }
    }

    /// <summary>Every object, sorted by name, and the version they are current at.</summary>
    public (long ResourceVersion, IReadOnlyList<ClusterHealth> Items) Snapshot()
    {
        lock (_lock) return (_resourceVersion, _items.Values.ToList());
    }

    public ClusterHealth? Get(string name)
    {
        lock (_lock) return _items.GetValueOrDefault(name);
    }

    public IReadOnlyList<string> Names()
    {
        lock (_lock) return _items.Keys.ToList();
    }

    /// <summary>Stores what a cluster's health is now (null: the cluster is gone); a change is numbered and sent to watches.</summary>
    public bool Apply(string name, ClusterHealth? next)
    {
        lock (_lock)
        {
            var current = _items.GetValueOrDefault(name);
            if (next is null)
            {
                if (current is null) return false;
                _items.Remove(name);
                Publish(WatchEventKind.Deleted, Versioned(current, ++_resourceVersion), current);
                return true;
            }

            if (current is not null && SameState(current, next)) return false;
            var stored = Versioned(next, ++_resourceVersion);
            _items[name] = stored;
            Publish(current is null ? WatchEventKind.Added : WatchEventKind.Modified, stored, current);
            return true;
        }
    }

    /// <summary>
    /// Opens a watch. Without a version it starts with an ADDED event per current object (what a watch from "0"
    /// means); with one it replays the changes after it, or throws when the version is outside the log.
    /// </summary>
    public HealthSubscription Subscribe(long? fromResourceVersion)
    {
        lock (_lock)
        {
            List<HealthChange> backlog;
            if (fromResourceVersion is not { } from)
            {
                backlog = _items.Values.Select(o => new HealthChange(long.Parse(o.Metadata.ResourceVersion), WatchEventKind.Added, o, null)).ToList();
            }
            else if (from < _oldestWatchable || from > _resourceVersion)
            {
                throw new ResourceVersionTooOldException(from, _oldestWatchable);
            }
            else
            {
                backlog = _log.Where(c => c.ResourceVersion > from).ToList();
            }

            var subscription = new HealthSubscription(this, backlog.Count + _subscriptionCapacity);
            foreach (var change in backlog) subscription.Offer(change);
            _subscriptions.Add(subscription);
            return subscription;
        }
    }

    internal void Unsubscribe(HealthSubscription subscription)
    {
        lock (_lock) _subscriptions.Remove(subscription);
    }

    private void Publish(WatchEventKind kind, ClusterHealth obj, ClusterHealth? old)
    {
        var change = new HealthChange(_resourceVersion, kind, obj, old);
        _log.Enqueue(change);
        while (_log.Count > _logCapacity) _oldestWatchable = _log.Dequeue().ResourceVersion;

        // A watch that cannot keep up is ended (its client lists again) rather than buffered without bound.
        for (var i = _subscriptions.Count - 1; i >= 0; i--)
        {
            if (!_subscriptions[i].Offer(change)) _subscriptions.RemoveAt(i);
        }
    }

    private static ClusterHealth Versioned(ClusterHealth health, long resourceVersion)
    {
        var copy = new ClusterHealth { Metadata = KubeJson.Clone(health.Metadata), Status = health.Status };
        copy.Metadata.ResourceVersion = resourceVersion.ToString();
        return copy;
    }

    /// <summary>Equal apart from the resourceVersion, the heartbeat (whose every renewal is not a change of health) and the availability (which moves with the clock).</summary>
    private static bool SameState(ClusterHealth a, ClusterHealth b) =>
        KubeJson.SameOnWire(Comparable(a), Comparable(b));

    private static ClusterHealth Comparable(ClusterHealth health)
    {
        var metadata = KubeJson.Clone(health.Metadata);
        metadata.ResourceVersion = null;
        return new ClusterHealth { Metadata = metadata, Status = health.Status.WithLive(null, null) };
    }
}
