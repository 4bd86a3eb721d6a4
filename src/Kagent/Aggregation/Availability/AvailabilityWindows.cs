using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;

namespace Kagent.Aggregation.Availability;

/// <summary>
/// Availability over the windows 1h, 24h, 7d and 30d ending now, from a cluster's history. A window is summed
/// exactly from the transitions it spans; the part of it older than the oldest transition kept (a cluster that
/// changed state more than 100 times since) comes from the hourly aggregate, its hours pro-rated. Every answer
/// computes this for every cluster, so the history is indexed once (<see cref="Index"/>: running totals per
/// transition) and each window is two binary searches.
/// </summary>
public static class AvailabilityWindows
{
    public static readonly IReadOnlyList<(string Name, TimeSpan Length)> All =
    [
        ("1h", TimeSpan.FromHours(1)),
        ("24h", TimeSpan.FromHours(24)),
        ("7d", TimeSpan.FromDays(7)),
        ("30d", TimeSpan.FromDays(30)),
    ];

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public static AvailabilityInfo? Compute(ClusterAvailabilitySpec history, DateTime now) => Compute(Index.Of(history), now);

    public static AvailabilityInfo? Compute(Index? index, DateTime now)
    {
        if (index is null) return null;
        var windows = new List<AvailabilityWindow>(All.Count);
        foreach (var (name, length) in All) windows.Add(index.Window(name, now - length, now));
        return new AvailabilityInfo { Since = index.History.Since, LastTransition = index.History.Transitions[^1], Windows = windows };
    }

    /// <summary>
    /// A history with running totals: for each transition, the time spent in each state before it, so that the
    /// time between any two instants is a difference of two lookups. Built from a history that no longer changes.
    /// </summary>
    public sealed class Index
    {
        private const int Up = 0;
        private const int Down = 1;
        private const int Unobserved = 2;

        private readonly long[] _times;
        private readonly int[] _states;
        private readonly long[,] _before;

        /// <summary>The longest closed Down interval starting at or after each transition.</summary>
        private readonly long[] _longestOutageFrom;

        private Index(ClusterAvailabilitySpec history)
        {
            History = history;
            var n = history.Transitions.Count;
            _times = new long[n];
            _states = new int[n];
            _before = new long[n, 3];
            _longestOutageFrom = new long[n];
            for (var i = 0; i < n; i++)
            {
                _times[i] = history.Transitions[i].Time.ToUniversalTime().Ticks;
                _states[i] = history.Transitions[i].State switch { AvailabilityStates.Up => Up, AvailabilityStates.Down => Down, _ => Unobserved };
                if (i == 0) continue;
                for (var s = 0; s < 3; s++) _before[i, s] = _before[i - 1, s];
                _before[i, _states[i - 1]] += _times[i] - _times[i - 1];
            }

            for (var i = n - 2; i >= 0; i--)
            {
                var own = _states[i] == Down ? _times[i + 1] - _times[i] : 0;
                _longestOutageFrom[i] = Math.Max(own, _longestOutageFrom[i + 1]);
            }
        }

        public ClusterAvailabilitySpec History { get; }

        public static Index? Of(ClusterAvailabilitySpec history) => history.Transitions.Count > 0 ? new Index(history) : null;

        public AvailabilityWindow Window(string name, DateTime windowStart, DateTime now)
        {
            var start = windowStart.Ticks;
            var end = now.Ticks;
            var since = History.Since.ToUniversalTime().Ticks;
            var from = Math.Max(start, since);
            var exactFrom = Math.Max(_times[0], from);
            Span<double> seconds = stackalloc double[3];
            double transitions = 0;
            double longestOutage = 0;
            if (from < exactFrom) AddAggregate(new DateTime(start, DateTimeKind.Utc), new DateTime(from, DateTimeKind.Utc), new DateTime(exactFrom, DateTimeKind.Utc), seconds, ref transitions, ref longestOutage);

            if (end > exactFrom)
            {
                for (var s = 0; s < 3; s++) seconds[s] += TimeSpan.FromTicks(TimeIn(s, end) - TimeIn(s, exactFrom)).TotalSeconds;
            }

            // Changes in (start, now], the first observation (at since) not being one.
            var firstChange = _times[0] > since ? 0 : 1;
            transitions += Math.Max(0, CountAtOrBefore(end) - Math.Max(firstChange, CountAtOrBefore(start)));

            // Outages that ended in the window or still last: closed ones from the first interval ending after start.
            var firstEndingAfter = Math.Max(0, CountAtOrBefore(start) - 1);
            if (firstEndingAfter < _times.Length) longestOutage = Math.Max(longestOutage, TimeSpan.FromTicks(_longestOutageFrom[firstEndingAfter]).TotalSeconds);
            if (_states[^1] == Down && end > _times[^1]) longestOutage = Math.Max(longestOutage, TimeSpan.FromTicks(end - _times[^1]).TotalSeconds);

            var observed = seconds[Up] + seconds[Down];
            return new AvailabilityWindow
            {
                Window = name,
                Ratio = observed > 0 ? Math.Round(seconds[Up] / observed, 6) : null,
                UpSeconds = (long)Math.Round(seconds[Up]),
                DownSeconds = (long)Math.Round(seconds[Down]),
                UnobservedSeconds = (long)Math.Round(seconds[Unobserved]),
                Transitions = (int)Math.Round(transitions),
                LongestOutageSeconds = (long)Math.Round(longestOutage),
                Exact = from >= exactFrom,
            };
        }

        /// <summary>Ticks spent in <paramref name="state"/> from the first transition until <paramref name="at"/> (not before the first).</summary>
        private long TimeIn(int state, long at)
        {
            var i = CountAtOrBefore(at) - 1;
            if (i < 0) return 0;
            return _before[i, state] + (_states[i] == state ? at - _times[i] : 0);
        }

        /// <summary>How many transitions are at or before <paramref name="at"/>.</summary>
        private int CountAtOrBefore(long at)
        {
            int lo = 0, hi = _times.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_times[mid] <= at) lo = mid + 1;
                else hi = mid;
            }

            return lo;
        }

        /// <summary>[from, to) from the hourly aggregate: each hour's down and unobserved time pro-rated to the part inside, the rest up.</summary>
        private void AddAggregate(DateTime windowStart, DateTime from, DateTime to, Span<double> seconds, ref double transitions, ref double longestOutage)
        {
            var down = 0.0;
            var unobserved = 0.0;
            foreach (var hour in History.Hours)
            {
                var overlap = AvailabilityHistory.HourOverlap(hour.Start.ToUniversalTime(), from, to);
                if (overlap <= TimeSpan.Zero) continue;
                var share = overlap / Hour;
                down += hour.DownSeconds * share;
                unobserved += hour.UnobservedSeconds * share;
                transitions += hour.Transitions * share;
                if (hour.Start.ToUniversalTime() + Hour > windowStart) longestOutage = Math.Max(longestOutage, hour.LongestOutageSeconds);
            }

            seconds[Down] += down;
            seconds[Unobserved] += unobserved;
            seconds[Up] += Math.Max(0, (to - from).TotalSeconds - down - unobserved);
        }
    }
}
