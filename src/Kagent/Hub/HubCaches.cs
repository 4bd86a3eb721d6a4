using Kagent.Api;
using Kagent.Api.Karmada;
using Kagent.Operator.Controllers;
using Kagent.Operator.Queue;

namespace Kagent.Hub;

/// <summary>How the hub caches Karmada Clusters; every hub reader of the one Cluster cache (health, ClusterProfiles) shares it.</summary>
public static class HubCaches
{
    // Cached objects are never written to: every Cluster stamped with this hub's version shares one map.
    private static readonly IDictionary<string, string> Stamped =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(new Dictionary<string, string> { [KagentConstants.HubVersionAnnotation] = HubVersionStamp.Version });

    /// <summary>
    /// API enablements are the bulk of a Cluster and read by no hub feature; nor are managedFields and annotations,
    /// but for the hub's own version stamp (<see cref="HubVersionStamp"/>), kept as one shared string.
    /// </summary>
    public static Cluster ClusterWithoutBulk(Cluster cluster)
    {
        if (cluster.Status is not null) cluster.Status.ApiEnablements = null;
        cluster.Metadata.ManagedFields = null;
        cluster.Metadata.Annotations = cluster.Metadata.Annotations?.TryGetValue(KagentConstants.HubVersionAnnotation, out var stamped) != true ? null
            : stamped == HubVersionStamp.Version ? Stamped : new Dictionary<string, string> { [KagentConstants.HubVersionAnnotation] = stamped! };
        return cluster;
    }

    /// <summary>The one way every hub controller of Clusters caches them (a shared cache needs one transform).</summary>
    public static ControllerOptions ClusterControllerOptions(string queue, bool reconcileOnStatusChange) => new()
    {
        ReconcileOnStatusChange = reconcileOnStatusChange,
        Transform = new Func<Cluster, Cluster>(ClusterWithoutBulk),
        Queue = new WorkQueueOptions { Name = queue },
    };
}
