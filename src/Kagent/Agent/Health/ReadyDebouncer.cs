using k8s.Models;

namespace Kagent.Agent.Health;

/// <summary>
/// Karmada's anti-flap rule (thresholdAdjustedReadyCondition): a change of the observed Ready status is posted only
/// once it has lasted the failure threshold (going not ready) or the success threshold (recovering). The first
/// observation, and leaving Unknown, pass at once.
/// </summary>
public sealed class ReadyDebouncer(TimeSpan successThreshold, TimeSpan failureThreshold, TimeProvider time)
{
    private string? _observedStatus;
    private DateTimeOffset _since;

    public V1Condition Adjust(V1Condition? posted, V1Condition observed)
    {
        var now = time.GetUtcNow();
        if (observed.Status != _observedStatus)
        {
            _observedStatus = observed.Status;
            _since = now;
        }

        if (posted is null || posted.Status == observed.Status || posted.Status == "Unknown") return observed;
        var threshold = observed.Status == "True" ? successThreshold : failureThreshold;
        return now - _since < threshold ? posted : observed;
    }
}
