using k8s.Models;
using Kagent.Api.Karmada;

namespace Kagent.Agent.Health;

/// <summary>The Ready condition Karmada expects, from what the probe and the nodes say.</summary>
public static class ReadyCondition
{
    public const string ReadyMessage = "cluster is healthy and ready to accept workloads";
    public const string NotReadyMessage = "cluster is reachable but health endpoint responded without ok";
    public const string NotReachableMessage = "cluster is not reachable";

    /// <summary>What is observed now. A cluster whose nodes are all NotReady cannot run anything, whatever /readyz says.</summary>
    public static V1Condition Observe(HealthResult health, int nodes, int readyNodes) => health.Outcome switch
    {
        HealthOutcome.Unreachable => New("False", KarmadaConstants.ReasonClusterNotReachable, NotReachableMessage),
        HealthOutcome.NotOk => New("False", KarmadaConstants.ReasonClusterNotReady, NotReadyMessage),
        _ when nodes > 0 && readyNodes == 0 => New("False", KarmadaConstants.ReasonClusterNotReady, $"cluster is reachable but all {nodes} nodes are NotReady"),
        _ => New("True", KarmadaConstants.ReasonClusterReady, ReadyMessage),
    };

    private static V1Condition New(string status, string reason, string message) =>
        new() { Type = KarmadaConstants.ConditionReady, Status = status, Reason = reason, Message = message };
}

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
