using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.V1Beta1;

/// <summary>Rules every ClusterRegistration must satisfy; a registration must satisfy all policies.</summary>
[KubernetesEntity(Group = KagentConstants.Group, ApiVersion = KagentConstants.Version, Kind = "OnboardingPolicy", PluralName = "onboardingpolicies")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityShortNames("obp")]
[KubernetesEntityCategories("kagent")]
[Description("OnboardingPolicy holds rules that every ClusterRegistration must satisfy.")]
[AdditionalPrinterColumn("AUTO-ACCEPT", "boolean", ".spec.autoAccept")]
[AdditionalPrinterColumn("NAME-PATTERN", "string", ".spec.clusterNamePattern")]
[AdditionalPrinterColumn("MIN-VERSION", "string", ".spec.minKubernetesVersion")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
public sealed class OnboardingPolicy : CustomKubernetesEntity<OnboardingPolicySpec, OnboardingPolicyStatus>;

public sealed class OnboardingPolicySpec
{
    [JsonPropertyName("clusterNamePattern")]
    [Description("A regular expression the whole cluster name must match.")]
    public string? ClusterNamePattern { get; set; }

    [JsonPropertyName("requiredLabels")]
    [Description("Label keys every registration must carry in spec.labels.")]
    public IList<string>? RequiredLabels { get; set; }

    [JsonPropertyName("allowedProviders")]
    public IList<string>? AllowedProviders { get; set; }

    [JsonPropertyName("allowedRegions")]
    public IList<string>? AllowedRegions { get; set; }

    [JsonPropertyName("minKubernetesVersion")]
    [Description("The lowest Kubernetes version a member may run, such as v1.20.0.")]
    public string? MinKubernetesVersion { get; set; }

    [JsonPropertyName("autoAccept")]
    [Description("Accept compliant registrations without an approver.")]
    public bool? AutoAccept { get; set; }
}

public sealed class OnboardingPolicyStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }
}
