using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Signals;

/// <summary>The agent's clock minus the control plane's, and the member's minus the control plane's (null when its answer had no Date).</summary>
public sealed record ClockReading(TimeSpan AgentOffset, TimeSpan? MemberOffset);

/// <summary>
/// Reads the control plane's clock from the Date header of the agent's own recent quick answers from it (heartbeat
/// and leader-election renewals, through <see cref="RequestObserver"/>), or, without one, of a GET /version (readable
/// by every identity) at most once per interval; and the member's from the health probe's answer of the same round.
/// </summary>
public sealed class ClockReader(KubeClient karmada, TimeProvider time, TimeSpan interval, RequestObserver? answers = null)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private TimeSpan? _agentOffset;
    private DateTimeOffset _readAt;

    public async Task<ClockReading?> ReadAsync(HealthAnswer? member, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (answers?.ClockOffset(interval) is { } renewed)
        {
            _agentOffset = renewed;
            _readAt = now;
        }
        else if (_agentOffset is null || now - _readAt >= interval)
        {
            var answer = await HealthEndpoint.GetAsync(karmada, "/version", Timeout, cancellationToken, time);
            if (answer.ServerDate is { } date)
            {
                _agentOffset = ServerClock.Offset(answer.LocalMidpoint, date);
                _readAt = now;
            }
        }

        if (_agentOffset is not { } agent) return null;
        TimeSpan? memberOffset = member?.ServerDate is { } memberDate ? agent - ServerClock.Offset(member.LocalMidpoint, memberDate) : null;
        return new ClockReading(agent, memberOffset);
    }
}
