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
