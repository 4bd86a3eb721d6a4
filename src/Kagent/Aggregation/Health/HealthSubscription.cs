using System.Threading.Channels;

namespace Kagent.Aggregation.Health;

/// <summary>The changes one watch receives; ended when its buffer overflows.</summary>
public sealed class HealthSubscription : IDisposable
{
    private readonly ClusterHealthStore _store;
    private readonly Channel<HealthChange> _channel;

    internal HealthSubscription(ClusterHealthStore store, int capacity)
    {
        _store = store;
        _channel = Channel.CreateBounded<HealthChange>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false });
    }

    public ChannelReader<HealthChange> Changes => _channel.Reader;

    /// <summary>True when the watch fell too far behind and was ended; the client must list again.</summary>
    public bool Overflowed { get; private set; }

    internal bool Offer(HealthChange change)
    {
        if (_channel.Writer.TryWrite(change)) return true;
        Overflowed = true;
        _channel.Writer.TryComplete();
        return false;
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _store.Unsubscribe(this);
    }
}
