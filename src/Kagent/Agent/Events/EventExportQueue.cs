using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Kagent.Agent.Events;

/// <summary>A distinct event waiting to be written: the latest member Event of its kind and the total count.</summary>
public sealed record PendingExport(string Key, Corev1Event Latest, long Count, DateTime FirstTimestamp, DateTime LastTimestamp);

/// <summary>
/// Deduplicates and coalesces member events before they cost a control-plane write. Events with the same involved
/// object, reason, message and source are one distinct event, whose count is the sum of their counts (each member
/// Event counted once, by UID, however often it is seen). A distinct event waits in the queue at most once: any
/// number of repeats while it waits become one write. Memory is bounded by the member's live events and
/// <c>maxTracked</c> distinct events.
/// </summary>
public sealed class EventExportQueue(int maxPending, int maxTracked = 10_000)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Key, long Count)> _seen = new();
    private readonly Dictionary<string, Distinct> _distinct = new();
    private readonly Queue<string> _dirty = new();
    private long _dropped;

    public int Pending
    {
        get { lock (_gate) return _dirty.Count; }
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    public ObserveResult Observe(Corev1Event e)
    {
        var uid = e.Metadata?.Uid ?? $"{e.Metadata?.NamespaceProperty}/{e.Metadata?.Name}";
        var count = CountOf(e);
        var key = KeyOf(e);
        lock (_gate)
        {
            var previous = _seen.TryGetValue(uid, out var seen) ? seen.Count : 0;
            if (count <= previous) return ObserveResult.Unchanged;
            if (!_distinct.TryGetValue(key, out var distinct))
            {
                if (_dirty.Count >= maxPending)
                {
                    Interlocked.Increment(ref _dropped);
                    return ObserveResult.Dropped;
                }

                EvictCleanIfFull();
                distinct = new Distinct { FirstTimestamp = TimeOf(e) };
                _distinct[key] = distinct;
            }

            _seen[uid] = (key, count);
            distinct.Total += count - previous;
            distinct.Latest = e;
            var at = TimeOf(e);
            if (at > distinct.LastTimestamp) distinct.LastTimestamp = at;
            if (at < distinct.FirstTimestamp) distinct.FirstTimestamp = at;
            if (distinct.Queued) return ObserveResult.Coalesced;
            distinct.Queued = true;
            _dirty.Enqueue(key);
            return ObserveResult.Queued;
        }
    }

    /// <summary>The member Event is gone (expired); its count stays in its distinct event's total.</summary>
    public void Forget(Corev1Event e)
    {
        lock (_gate) _seen.Remove(e.Metadata?.Uid ?? $"{e.Metadata?.NamespaceProperty}/{e.Metadata?.Name}");
    }

    public bool TryTake(out PendingExport pending)
    {
        lock (_gate)
        {
            while (_dirty.TryDequeue(out var key))
            {
                if (!_distinct.TryGetValue(key, out var distinct)) continue;
                distinct.Queued = false;
                pending = new PendingExport(key, distinct.Latest!, distinct.Total, distinct.FirstTimestamp, distinct.LastTimestamp);
                return true;
            }
        }

        pending = null!;
        return false;
    }

    /// <summary>A write failed: the distinct event waits again (behind the others).</summary>
    public void Retry(string key)
    {
        lock (_gate)
        {
            if (!_distinct.TryGetValue(key, out var distinct) || distinct.Queued) return;
            distinct.Queued = true;
            _dirty.Enqueue(key);
        }
    }

    /// <summary>The count of a member Event: series.count for new-style events, else count, at least 1.</summary>
    public static long CountOf(Corev1Event e) => Math.Max(1, e.Series?.Count ?? e.Count ?? 1);

    public static DateTime TimeOf(Corev1Event e) =>
        e.LastTimestamp ?? e.Series?.LastObservedTime ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata?.CreationTimestamp ?? DateTime.UnixEpoch;

    /// <summary>What makes events the same: involved object, reason, message and reporting component.</summary>
    public static string KeyOf(Corev1Event e)
    {
        var o = e.InvolvedObject ?? new V1ObjectReference();
        var text = string.Join('\n', e.Metadata?.NamespaceProperty, o.ApiVersion, o.Kind, o.NamespaceProperty, o.Name, o.Uid, o.FieldPath,
            e.Type, e.Reason, e.Message, e.Source?.Component ?? e.ReportingComponent);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];
    }

    private void EvictCleanIfFull()
    {
        if (_distinct.Count < maxTracked) return;

        // Forget the distinct events written longest ago; should one come back, its write finds the exported Event.
        foreach (var (key, _) in _distinct.Where(d => !d.Value.Queued).OrderBy(d => d.Value.LastTimestamp).Take(maxTracked / 10 + 1).ToList())
        {
            _distinct.Remove(key);
        }

        var known = _distinct.Keys.ToHashSet();
        foreach (var uid in _seen.Where(s => !known.Contains(s.Value.Key)).Select(s => s.Key).ToList()) _seen.Remove(uid);
    }

    private sealed class Distinct
    {
        public Corev1Event? Latest { get; set; }

        public long Total { get; set; }

        public DateTime FirstTimestamp { get; set; }

        public DateTime LastTimestamp { get; set; }

        public bool Queued { get; set; }
    }
}
