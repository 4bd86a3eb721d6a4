using Kagent.Api.V1Beta1;

namespace Kagent.Aggregation.Availability;

/// <summary>
/// Adds an observed state to a cluster's history: the state that ends is added to the hourly aggregate, the new one
/// becomes the latest transition, and both lists are trimmed oldest first to their bounds (100 transitions, 30 days).
/// Up time is not stored: an hour is up for whatever it was observed and not down or unobserved.
/// </summary>
public static class AvailabilityHistory
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Kept = TimeSpan.FromHours(AvailabilityLimits.Hours);

    /// <summary>The state the history ends in, or null when the cluster was never observed.</summary>
    public static AvailabilityTransition? Current(ClusterAvailabilitySpec history) => history.Transitions.Count > 0 ? history.Transitions[^1] : null;

    /// <summary>Records that the cluster is in <paramref name="state"/> from <paramref name="at"/>; false when it already was.</summary>
    public static bool Record(ClusterAvailabilitySpec history, string state, string? reason, DateTime at)
    {
        at = at.ToUniversalTime();
        if (Current(history) is not { } current)
        {
            history.Since = at;
            history.Transitions.Add(new AvailabilityTransition { Time = at, State = state, Reason = reason });
            return true;
        }

        if (current.State == state) return false;

        // A clock that went back must not make a negative interval.
        if (at < current.Time) at = current.Time;
        AddInterval(history, current.State, current.Time, at);
        var hour = HourOf(history, at);
        hour.Transitions++;
        if (current.State == AvailabilityStates.Down) hour.LongestOutageSeconds = Math.Max(hour.LongestOutageSeconds, Seconds(at - current.Time));
        history.Transitions.Add(new AvailabilityTransition { Time = at, State = state, Reason = reason });
        Trim(history, at);
        return true;
    }

    /// <summary>The start of the UTC hour <paramref name="time"/> falls in.</summary>
    public static DateTime HourStart(DateTime time) => new(time.Ticks - time.Ticks % Hour.Ticks, DateTimeKind.Utc);

    public static long Seconds(TimeSpan span) => (long)Math.Round(span.TotalSeconds);

    private static void AddInterval(ClusterAvailabilitySpec history, string state, DateTime from, DateTime to)
    {
        if (state == AvailabilityStates.Up) return;
        if (from < to - Kept) from = to - Kept;
        for (var start = HourStart(from); start < to; start += Hour)
        {
            var overlap = HourOverlap(start, from, to);
            if (overlap <= TimeSpan.Zero) continue;
            var hour = HourOf(history, start);
            if (state == AvailabilityStates.Down) hour.DownSeconds += Seconds(overlap);
            else hour.UnobservedSeconds += Seconds(overlap);
        }
    }

    /// <summary>The aggregate of the hour <paramref name="time"/> falls in, added in order if missing (hours only ever grow at the end).</summary>
    private static AvailabilityHour HourOf(ClusterAvailabilitySpec history, DateTime time)
    {
        var start = HourStart(time);
        var i = history.Hours.Count;
        while (i > 0 && history.Hours[i - 1].Start > start) i--;
        if (i > 0 && history.Hours[i - 1].Start == start) return history.Hours[i - 1];
        var hour = new AvailabilityHour { Start = start };
        history.Hours.Insert(i, hour);
        return hour;
    }

    private static void Trim(ClusterAvailabilitySpec history, DateTime now)
    {
        var excess = history.Transitions.Count - AvailabilityLimits.Transitions;
        if (excess > 0) RemoveFirst(history.Transitions, excess);
        var oldest = HourStart(now) - Kept + Hour;
        var expired = 0;
        while (expired < history.Hours.Count && history.Hours[expired].Start < oldest) expired++;
        if (expired > 0) RemoveFirst(history.Hours, expired);
    }

    private static void RemoveFirst<T>(IList<T> items, int count)
    {
        if (items is List<T> list)
        {
            list.RemoveRange(0, count);
            return;
        }

        for (var i = 0; i < count; i++) items.RemoveAt(0);
    }

    /// <summary>How much of [from, to) falls in the hour that begins at <paramref name="hourStart"/> (negative when none).</summary>
    internal static TimeSpan HourOverlap(DateTime hourStart, DateTime from, DateTime to) =>
        (to < hourStart + Hour ? to : hourStart + Hour) - (from > hourStart ? from : hourStart);
}
