using Kagent.Api.Karmada;

namespace Kagent.Hub;

/// <summary>How the hub caches Karmada Clusters; every hub reader of the one Cluster cache (health, ClusterProfiles) shares it.</summary>
public static class HubCaches
{
    /// <summary>API enablements are the bulk of a Cluster and read by no hub feature; nor are managedFields and annotations.</summary>
    public static Cluster ClusterWithoutBulk(Cluster cluster)
    {
        if (cluster.Status is not null) cluster.Status.ApiEnablements = null;
        cluster.Metadata.ManagedFields = null;
        cluster.Metadata.Annotations = null;
        return cluster;
    }
}
