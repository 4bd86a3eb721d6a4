using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.About;

/// <summary>about.k8s.io/v1alpha1 ClusterProperty (KEP-2149); cluster.clusterset.k8s.io holds the cluster's id.</summary>
[KubernetesEntity(Group = "about.k8s.io", ApiVersion = "v1alpha1", Kind = "ClusterProperty", PluralName = "clusterproperties")]
[EntityScope(EntityScope.Cluster)]
public sealed class ClusterProperty : CustomKubernetesEntity<ClusterPropertySpec, ClusterPropertyStatus>
{
    public const string ClusterIdName = "cluster.clusterset.k8s.io";
}

public sealed class ClusterPropertySpec
{
    [JsonPropertyName("value")]
    [Required]
    public string Value { get; set; } = "";
}

public sealed class ClusterPropertyStatus;
