using System.Threading.Channels;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.RateLimiting;

namespace Kagent.Operator.Queue;

/// <summary>
/// A work queue with client-go's guarantees: a key queued many times is handed out once; a key is never handed
/// to two workers at once (a key added while it is being processed is handed out again after <see cref="Done"/>);
/// failed keys come back after a per-key exponential backoff; delayed adds keep only the earliest due time.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Channel<TKey> _ready = Channel.CreateUnbounded<TKey>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Dictionary<TKey, DateTimeOffset> _delayed = [];
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Dictionary<TKey, long> _queuedAt = [];
    private readonly Dictionary<TKey, long> _startedAt = [];
    private readonly WorkQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly WorkQueueMetrics? _metrics;
    private readonly TokenBucket? _retryBucket;
    private int _waiting;

    public WorkQueue(WorkQueueOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new WorkQueueOptions();
        _time = time ?? TimeProvider.System;
        if (_options.Name is { } name) _metrics = new WorkQueueMetrics(name, RunningSince);
        if (_options.RetryQps is > 0 and var qps) _retryBucket = new TokenBucket(qps, _options.RetryBurst, _time);
    }

    private IReadOnlyCollection<long> RunningSince()
    {
        lock (_gate) return _startedAt.Values.ToList();
    }

    /// <summary>Hands the key to the channel of ready keys; called with the key newly dirty and not being processed.</summary>
    private void Enqueue(TKey key)
    {
        if (_metrics is not null)
        {
            lock (_gate) _queuedAt[key] = System.Diagnostics.Stopwatch.GetTimestamp();
            _metrics.Queued();
        }

        Interlocked.Increment(ref _waiting);
        _ready.Writer.TryWrite(key);
    }

    /// <summary>Keys waiting to be handed out (not counting delayed ones); counted as they enter and leave the channel, so cheap to read after every reconcile.</summary>
    public int Length => Volatile.Read(ref _waiting);

    public bool IsShutDown => _shutdown.IsCancellationRequested;

    /// <summary>Keys waiting and the longest any has waited (measured only for a named queue, which has metrics).</summary>
    public QueueState State(string name)
    {
        long oldest = 0;
        lock (_gate)
        {
            foreach (var queued in _queuedAt.Values)
                if (oldest == 0 || queued < oldest) oldest = queued;
        }

        return new QueueState(name, Length, oldest == 0 ? TimeSpan.Zero : System.Diagnostics.Stopwatch.GetElapsedTime(oldest));
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (IsShutDown || !_dirty.Add(key) || _processing.Contains(key)) return;
        }

        Enqueue(key);
    }

    /// <summary>Adds the key after the delay; a second delayed add of the same key keeps the earlier due time.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        var due = _time.GetUtcNow() + delay;
        lock (_gate)
        {
            if (IsShutDown) return;
            if (_delayed.TryGetValue(key, out var existing) && existing <= due) return;
            _delayed[key] = due;
        }

        _ = FireAsync(key, due, delay);
    }

    /// <summary>Adds the key after its backoff: BaseRetryDelay × 2^(failures so far), capped; and after a token of the overall bucket, if any.</summary>
    public TimeSpan AddRateLimited(TKey key)
    {
        int failures;
        TimeSpan bucketWait;
        lock (_gate)
        {
            failures = _failures.TryGetValue(key, out var f) ? f : 0;
            _failures[key] = failures + 1;
            bucketWait = _retryBucket?.Reserve() ?? TimeSpan.Zero;
        }

        _metrics?.Retried();

        var backoff = TimeSpan.FromTicks((long)Math.Min(_options.BaseRetryDelay.Ticks * Math.Pow(2, Math.Min(failures, 62)), _options.MaxRetryDelay.Ticks));
        var delay = backoff > bucketWait ? backoff : bucketWait;
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Clears the key's failure count after a success.</summary>
    public void Forget(TKey key)
    {
        lock (_gate) _failures.Remove(key);
    }

    public int Requeues(TKey key)
    {
        lock (_gate) return _failures.TryGetValue(key, out var f) ? f : 0;
    }

    /// <summary>Waits for the next key and marks it as being processed; null once the queue is shut down.</summary>
    public async Task<TKey?> GetAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        while (true)
        {
            TKey key;
            try
            {
                key = await _ready.Reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return default;
            }
            catch (ChannelClosedException)
            {
                return default;
            }

            lock (_gate)
            {
                if (!_dirty.Remove(key)) continue;
                Interlocked.Decrement(ref _waiting);
                _processing.Add(key);
                if (_metrics is not null)
                {
                    var now = System.Diagnostics.Stopwatch.GetTimestamp();
                    _startedAt[key] = now;
                    _metrics.HandedOut(_queuedAt.Remove(key, out var queued) ? System.Diagnostics.Stopwatch.GetElapsedTime(queued, now) : TimeSpan.Zero);
                }

                return key;
            }
        }
    }

    /// <summary>Marks the key as processed; if it was added meanwhile, it is handed out again.</summary>
    public void Done(TKey key)
    {
        bool requeue;
        lock (_gate)
        {
            _processing.Remove(key);
            requeue = _dirty.Contains(key) && !IsShutDown;
            if (_startedAt.Remove(key, out var started)) _metrics?.Processed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        if (requeue) Enqueue(key);
    }

    public void ShutDown()
    {
        lock (_gate)
        {
            if (IsShutDown) return;
            _shutdown.Cancel();
            _delayed.Clear();
        }

        _ready.Writer.TryComplete();
    }

    public void Dispose()
    {
        ShutDown();
        _shutdown.Dispose();
        _metrics?.Dispose();
    }

    private async Task FireAsync(TKey key, DateTimeOffset due, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _shutdown.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var current) || current != due) return;
            _delayed.Remove(key);
        }

        Add(key);
    }
}
