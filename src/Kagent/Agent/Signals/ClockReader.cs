using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Signals;

/// <summary>The agent's clock minus the control plane's, and the member's minus the control plane's (null when its answer had no Date).</summary>
public sealed record ClockReading(TimeSpan AgentOffset, TimeSpan? MemberOffset);

/// <summary>
/// Reads the control plane's clock from the heartbeat's last Lease renewal (<see cref="HeartbeatClock"/>), or while
/// renewals fail, from the Date header of GET /version (readable by every identity), at most once per interval since
/// clocks drift slowly; and the member's from the health probe's answer of the same round.
/// </summary>
public sealed class ClockReader(KubeClient karmada, TimeProvider time, TimeSpan interval, HeartbeatClock? heartbeat = null)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // A Date header is truncated to the second: its middle is half a second later.
    private static readonly TimeSpan HalfSecond = TimeSpan.FromMilliseconds(500);
    private TimeSpan? _agentOffset;
    private DateTimeOffset _readAt;

    public async Task<ClockReading?> ReadAsync(HealthAnswer? member, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (heartbeat?.Offset(interval) is { } renewed)
        {
            _agentOffset = renewed;
            _readAt = now;
        }
        else if (_agentOffset is null || now - _readAt >= interval)
        {
            var answer = await HealthEndpoint.GetAsync(karmada, "/version", Timeout, cancellationToken, time);
            if (answer.ServerDate is { } date)
            {
                _agentOffset = answer.LocalMidpoint - (date + HalfSecond);
                _readAt = now;
            }
        }

        if (_agentOffset is not { } agent) return null;
        TimeSpan? memberOffset = member?.ServerDate is { } memberDate ? memberDate + HalfSecond - member.LocalMidpoint + agent : null;
        return new ClockReading(agent, memberOffset);
    }
}
