using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.Karmada;

/// <summary>
/// Karmada's remedy.karmada.io/v1alpha1 Remedy: actions (TrafficControl) written to Cluster.status.remedyActions
/// when a Cluster's conditions match (pkg/apis/remedy/v1alpha1/remedy_types.go). Modelled for stand-in control
/// planes and the samples.
/// </summary>
[KubernetesEntity(Group = "remedy.karmada.io", ApiVersion = "v1alpha1", Kind = "Remedy", PluralName = "remedies")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityCategories("karmada-io")]
[Description("Remedy represents the cluster-level management strategies based on cluster conditions.")]
public sealed class Remedy : CustomKubernetesEntity<RemedySpec>;

public sealed class RemedySpec
{
    [JsonPropertyName("clusterAffinity")]
    public RemedyClusterAffinity? ClusterAffinity { get; set; }

    [JsonPropertyName("decisionMatches")]
    [Description("Any entry matching triggers the actions; absent, they apply unconditionally.")]
    public IList<DecisionMatch>? DecisionMatches { get; set; }

    [JsonPropertyName("actions")]
    public IList<string>? Actions { get; set; }
}

public sealed class RemedyClusterAffinity
{
    [JsonPropertyName("clusterNames")]
    public IList<string>? ClusterNames { get; set; }
}

public sealed class DecisionMatch
{
    [JsonPropertyName("clusterConditionMatch")]
    public ClusterConditionRequirement? ClusterConditionMatch { get; set; }
}

public sealed class ClusterConditionRequirement
{
    [JsonPropertyName("conditionType")]
    [Required]
    public string ConditionType { get; set; } = "";

    [JsonPropertyName("operator")]
    [Required]
    [EnumValues("Equal", "NotEqual")]
    public string Operator { get; set; } = "";

    [JsonPropertyName("conditionStatus")]
    [Required]
    public string ConditionStatus { get; set; } = "";
}
