using System.Runtime.CompilerServices;
using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;

namespace Kagent.Aggregation.Availability;

/// <summary>
/// status.availability for every answer. Records come from the watch cache and are never changed, so each one is
/// indexed once; the windows end at the whole second, and a record's JSON is kept for the second it was written in,
/// so a list of a thousand clusters or one change sent to a hundred watches reuses what an answer in the same second
/// wrote. Only the bytes are kept: what survives a collection is promoted and copied, and the hub's small first
/// generation collects often.
/// </summary>
public sealed class AvailabilityAnswers
{
    private readonly ConditionalWeakTable<ClusterAvailability, Entry> _entries = new();

    /// <summary>The availability as of the whole second of <paramref name="now"/>; null without a record.</summary>
    public AvailabilityInfo? Of(ClusterAvailability? record, DateTime now) =>
        EntryOf(record) is { } entry ? AvailabilityWindows.Compute(entry.Index, WholeSecond(now)) : null;

    /// <summary>The same as JSON.</summary>
    public byte[]? JsonOf(ClusterAvailability? record, DateTime now)
    {
        if (EntryOf(record) is not { } entry) return null;
        var second = WholeSecond(now);
        if (Volatile.Read(ref entry.Last) is { } last && last.Second == second) return last.Json;
        var json = AvailabilityJson.Serialize(AvailabilityWindows.Compute(entry.Index, second)!);
        Volatile.Write(ref entry.Last, new Answer(second, json));
        return json;
    }

    private Entry? EntryOf(ClusterAvailability? record) =>
        record is null || record.Spec.Transitions.Count == 0 ? null : _entries.GetValue(record, r => new Entry(AvailabilityWindows.Index.Of(r.Spec)!));

    private static DateTime WholeSecond(DateTime now) => new(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private sealed record Answer(DateTime Second, byte[] Json);

    private sealed class Entry(AvailabilityWindows.Index index)
    {
        public AvailabilityWindows.Index Index { get; } = index;

        public Answer? Last;
    }
}
