using Kagent.Operator.Diagnostics;

namespace Kagent.Operator.Cache;

/// <summary>Counters that make the watcher's behaviour observable (and testable); restarts and relists are also exported.</summary>
public sealed class WatcherStats(string resource)
{
    private readonly KeyValuePair<string, object?> _resourceTag = Publish(OperatorInstruments.Tag("resource", resource));
    private long _lists;
    private long _relists;
    private long _watches;
    private long _activeWatches;
    private long _errors;

    // When the watcher last had no open watch (a Stopwatch timestamp); 0 while a watch is open.
    private long _unwatchedSince = System.Diagnostics.Stopwatch.GetTimestamp();

    public long Lists => Interlocked.Read(ref _lists);

    /// <summary>Lists after the first, because the resourceVersion was too old (410 Gone).</summary>
    public long Relists => Interlocked.Read(ref _relists);

    public long WatchesStarted => Interlocked.Read(ref _watches);

    /// <summary>Never more than one: each watch connection is closed before the next is opened.</summary>
    public long ActiveWatches => Interlocked.Read(ref _activeWatches);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>How long the cache has had no open watch (not listed yet, or reconnecting); zero while one is open.</summary>
    public TimeSpan Unwatched => Interlocked.Read(ref _unwatchedSince) is var since and not 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(since) : TimeSpan.Zero;

    internal void ListStarted(bool relist)
    {
        Interlocked.Increment(ref _lists);
        if (!relist) return;
        Interlocked.Increment(ref _relists);
        OperatorInstruments.WatchRelists.Add(1, _resourceTag);
    }

    internal void WatchOpened()
    {
        if (Interlocked.Increment(ref _watches) > 1) OperatorInstruments.WatchRestarts.Add(1, _resourceTag);
        Interlocked.Increment(ref _activeWatches);
        Interlocked.Exchange(ref _unwatchedSince, 0);
    }

    internal void WatchClosed()
    {
        Interlocked.Decrement(ref _activeWatches);
        Interlocked.Exchange(ref _unwatchedSince, System.Diagnostics.Stopwatch.GetTimestamp());
    }

    /// <summary>Zeros for this resource from the start, so that rates and alerts have a series before the first restart.</summary>
    private static KeyValuePair<string, object?> Publish(KeyValuePair<string, object?> tag)
    {
        OperatorInstruments.WatchRestarts.Add(0, tag);
        OperatorInstruments.WatchRelists.Add(0, tag);
        return tag;
    }

    internal void Error() => Interlocked.Increment(ref _errors);
}
