namespace Kagent.Api.Karmada;

/// <summary>Names, namespaces, condition types and reasons of Karmada's wire contract.</summary>
public static class KarmadaConstants
{
    public const string ClusterGroup = "cluster.karmada.io";
    public const string ClusterVersion = "v1alpha1";

    public const string SyncModePush = "Push";
    public const string SyncModePull = "Pull";

    /// <summary>Holds the heartbeat Leases (one per cluster, named after it) and cluster secrets.</summary>
    public const string ClusterNamespace = "karmada-cluster";
    public const string SystemNamespace = "karmada-system";
    public const string ExecutionSpacePrefix = "karmada-es-";

    public const string ConditionReady = "Ready";
    public const string ConditionCompleteApiEnablements = "CompleteAPIEnablements";

    public const string ReasonClusterReady = "ClusterReady";
    public const string ReasonClusterNotReady = "ClusterNotReady";
    public const string ReasonClusterNotReachable = "ClusterNotReachable";

    public const string TaintNotReady = "cluster.karmada.io/not-ready";
    public const string TaintUnreachable = "cluster.karmada.io/unreachable";
    public const string TaintUnschedulable = "cluster.karmada.io/unschedulable";

    /// <summary>Karmada's limit on cluster names: a DNS-1123 label that leaves room for the karmada-es- prefix.</summary>
    public const int MaxClusterNameLength = 48;

    public static string ExecutionSpaceFor(string clusterName) => ExecutionSpacePrefix + clusterName;
}
