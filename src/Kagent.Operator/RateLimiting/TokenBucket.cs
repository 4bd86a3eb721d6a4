namespace Kagent.Operator.RateLimiting;

/// <summary>
/// client-go's token bucket (golang.org/x/time/rate): a sustained rate and a burst. The tokens are computed from the
/// time of each call, so no timer runs while nothing is asked (an idle process is not woken every second). A
/// caller that finds no token either gives up (<see cref="TryTake"/>) or reserves the next one and waits for it
/// (<see cref="Reserve"/>, <see cref="WaitAsync"/>); reservations are served in the order they were made.
/// </summary>
public sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly double _perSecond;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _at;

    public TokenBucket(double perSecond, int burst, TimeProvider? time = null)
    {
        if (perSecond <= 0) throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "must be positive");
        _perSecond = perSecond;
        _burst = Math.Max(1, burst);
        _time = time ?? TimeProvider.System;
        _tokens = _burst;
        _at = _time.GetTimestamp();
    }

    /// <summary>Takes a token if one is there now.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            Refill();
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }

    /// <summary>Takes a token, going into debt when none is left; returns how long until it is really there.</summary>
    public TimeSpan Reserve()
    {
        lock (_gate)
        {
            Refill();
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _perSecond);
        }
    }

    /// <summary>Waits for a token (completes at once when one is there).</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        return wait == TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_burst, _tokens + _time.GetElapsedTime(_at, now).TotalSeconds * _perSecond);
        _at = now;
    }
}
