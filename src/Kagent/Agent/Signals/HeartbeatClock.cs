using k8s.Models;

namespace Kagent.Agent.Signals;

/// <summary>
/// The control plane's clock as the heartbeat sees it, at no request of its own: the answer to each Lease renewal
/// carries the server's time of that write (the newest managedFields time, whole seconds), sent against the
/// agent's renewTime. <see cref="ClockReader"/> prefers it to a GET /version while renewals go through.
/// </summary>
public sealed class HeartbeatClock(TimeProvider time)
{
    // Server times are truncated to the second: their middle is half a second later.
    private static readonly TimeSpan HalfSecond = TimeSpan.FromMilliseconds(500);
    private Reading? _last;

    /// <summary>Takes the offset from a renewal the agent sent at <paramref name="sent"/> and got back at <paramref name="received"/>.</summary>
    public void Observe(V1Lease written, DateTimeOffset sent, DateTimeOffset received)
    {
        var serverTime = written.Metadata?.ManagedFields?.Where(f => f.Time is not null).Select(f => f.Time!.Value).DefaultIfEmpty().Max();
        if (serverTime is not { } server || server == default) return;
        var midpoint = sent + (received - sent) / 2;
        Volatile.Write(ref _last, new Reading(midpoint - (new DateTimeOffset(DateTime.SpecifyKind(server, DateTimeKind.Utc)) + HalfSecond), time.GetTimestamp()));
    }

    /// <summary>The agent's clock minus the control plane's from a renewal at most <paramref name="maxAge"/> old; null without one.</summary>
    public TimeSpan? Offset(TimeSpan maxAge) =>
        Volatile.Read(ref _last) is { } last && time.GetElapsedTime(last.At) <= maxAge ? last.Offset : null;

    private sealed record Reading(TimeSpan Offset, long At);
}
