namespace Kagent.Operator.Cache;

/// <summary>Capped exponential backoff with jitter (full jitter on the upper half), as client-go's reflector uses.</summary>
public sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly double _factor;
    private TimeSpan _current;

    public Backoff(TimeSpan initial, TimeSpan max, double factor = 2.0)
    {
        _initial = initial;
        _max = max;
        _factor = factor;
        _current = initial;
    }

    public TimeSpan Next()
    {
        var delay = _current;
        _current = TimeSpan.FromTicks(Math.Min((long)(_current.Ticks * _factor), _max.Ticks));
        return TimeSpan.FromTicks(delay.Ticks / 2 + Random.Shared.NextInt64(delay.Ticks / 2 + 1));
    }

    public void Reset() => _current = _initial;
}
