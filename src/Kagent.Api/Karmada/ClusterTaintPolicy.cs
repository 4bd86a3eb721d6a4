using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.Karmada;

/// <summary>
/// Karmada's policy.karmada.io/v1alpha1 ClusterTaintPolicy: taints added to and removed from Clusters by their
/// status conditions (pkg/apis/policy/v1alpha1/clustertaint_types.go). Karmada acts on it; Kagent writes the
/// conditions it matches. Modelled for stand-in control planes and the samples.
/// </summary>
[KubernetesEntity(Group = "policy.karmada.io", ApiVersion = "v1alpha1", Kind = "ClusterTaintPolicy", PluralName = "clustertaintpolicies")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityCategories("karmada-io")]
[Description("ClusterTaintPolicy automates taint management on Cluster objects based on their status conditions.")]
public sealed class ClusterTaintPolicy : CustomKubernetesEntity<ClusterTaintPolicySpec>;

public sealed class ClusterTaintPolicySpec
{
    [JsonPropertyName("targetClusters")]
    public ClusterAffinity? TargetClusters { get; set; }

    [JsonPropertyName("addOnConditions")]
    [Description("All must match for the taints to be added; empty never adds.")]
    public IList<MatchCondition>? AddOnConditions { get; set; }

    [JsonPropertyName("removeOnConditions")]
    [Description("All must match for the taints to be removed; empty never removes.")]
    public IList<MatchCondition>? RemoveOnConditions { get; set; }

    [JsonPropertyName("taints")]
    [Required]
    public IList<PolicyTaint> Taints { get; set; } = [];
}

public sealed class ClusterAffinity
{
    [JsonPropertyName("labelSelector")]
    public V1LabelSelector? LabelSelector { get; set; }

    [JsonPropertyName("clusterNames")]
    public IList<string>? ClusterNames { get; set; }

    [JsonPropertyName("exclude")]
    public IList<string>? Exclude { get; set; }
}

public sealed class MatchCondition
{
    [JsonPropertyName("conditionType")]
    [Required]
    public string ConditionType { get; set; } = "";

    [JsonPropertyName("operator")]
    [Required]
    [Description("In or NotIn.")]
    public string Operator { get; set; } = "";

    [JsonPropertyName("statusValues")]
    [Required]
    public IList<string> StatusValues { get; set; } = [];
}

public sealed class PolicyTaint
{
    [JsonPropertyName("key")]
    [Required]
    public string Key { get; set; } = "";

    [JsonPropertyName("value")]
    public string? Value { get; set; }

    [JsonPropertyName("effect")]
    [Required]
    [EnumValues("NoSchedule", "NoExecute")]
    public string Effect { get; set; } = "";
}
