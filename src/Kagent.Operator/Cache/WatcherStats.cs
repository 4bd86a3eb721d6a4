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

    public long Lists => Interlocked.Read(ref _lists);

    /// <summary>Lists after the first, because the resourceVersion was too old (410 Gone).</summary>
    public long Relists => Interlocked.Read(ref _relists);

    public long WatchesStarted => Interlocked.Read(ref _watches);

    /// <summary>Never more than one: each watch connection is closed before the next is opened.</summary>
    public long ActiveWatches => Interlocked.Read(ref _activeWatches);

    public long Errors => Interlocked.Read(ref _errors);

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
    }

    internal void WatchClosed() => Interlocked.Decrement(ref _activeWatches);

    /// <summary>Zeros for this resource from the start, so that rates and alerts have a series before the first restart.</summary>
    private static KeyValuePair<string, object?> Publish(KeyValuePair<string, object?> tag)
    {
        OperatorInstruments.WatchRestarts.Add(0, tag);
        OperatorInstruments.WatchRelists.Add(0, tag);
        return tag;
    }

    internal void Error() => Interlocked.Increment(ref _errors);
}
