using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.V1Beta1;

/// <summary>A member cluster's request to join the fleet; named after the cluster.</summary>
[KubernetesEntity(Group = KagentConstants.Group, ApiVersion = KagentConstants.Version, Kind = "ClusterRegistration", PluralName = "clusterregistrations")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityShortNames("creg")]
[KubernetesEntityCategories("kagent")]
[Description("ClusterRegistration is a member cluster's request to join a Karmada fleet through Kagent. It is named after the cluster.")]
[AdditionalPrinterColumn("CLUSTER-ID", "string", ".spec.clusterID")]
[AdditionalPrinterColumn("ACCEPTED", "boolean", ".spec.accepted")]
[AdditionalPrinterColumn("PHASE", "string", ".status.phase")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
[AdditionalPrinterColumn("API-ENDPOINT", "string", ".spec.apiEndpoint", Priority = 1)]
[AdditionalPrinterColumn("PROVIDER", "string", ".spec.provider", Priority = 1)]
[AdditionalPrinterColumn("REGION", "string", ".spec.region", Priority = 1)]
public sealed class ClusterRegistration : CustomKubernetesEntity<ClusterRegistrationSpec, ClusterRegistrationStatus>;

public sealed class ClusterRegistrationSpec
{
    [JsonPropertyName("clusterID")]
    [Description("The member cluster's identity: the id of its ClusterProperty cluster.clusterset.k8s.io, else the UID of its kube-system namespace. Immutable once set.")]
    public string? ClusterId { get; set; }

    [JsonPropertyName("apiEndpoint")]
    [Description("The member's API server URL (absolute https), carried to Cluster.spec.apiEndpoint.")]
    public string? ApiEndpoint { get; set; }

    [JsonPropertyName("proxyURL")]
    public string? ProxyUrl { get; set; }

    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("region")]
    public string? Region { get; set; }

    [JsonPropertyName("zones")]
    public IList<string>? Zones { get; set; }

    [JsonPropertyName("labels")]
    [Description("Labels to carry onto the Karmada Cluster.")]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("taints")]
    [Description("Taints to carry onto the Karmada Cluster.")]
    public IList<V1Taint>? Taints { get; set; }

    [JsonPropertyName("syncMode")]
    public string? SyncMode { get; set; }

    [JsonPropertyName("kubernetesVersion")]
    [Description("The member's Kubernetes version as its agent reported it (such as v1.20.2); OnboardingPolicy.minKubernetesVersion is checked against it.")]
    public string? KubernetesVersion { get; set; }

    [JsonPropertyName("discovered")]
    [Description("What the agent finds on the member and keeps current: provider, region and zones from the nodes, the distribution from the server version. Fills the Karmada Cluster's provider, region and zones that this spec leaves empty.")]
    public DiscoveredMetadata? Discovered { get; set; }

    [JsonPropertyName("accepted")]
    [Description("Set by an approver (or by an auto-accepting OnboardingPolicy) to admit the cluster.")]
    public bool? Accepted { get; set; }
}

public sealed class ClusterRegistrationStatus
{
    [JsonPropertyName("phase")]
    [EnumValues("Pending", "Accepted", "Registered", "Denied", "Deregistering")]
    public string? Phase { get; set; }

    [JsonPropertyName("conditions")]
    [ListMapKeys("type")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("clusterUID")]
    [Description("The UID of the Karmada Cluster created for this registration.")]
    public string? ClusterUid { get; set; }

    [JsonPropertyName("registeredTime")]
    public DateTime? RegisteredTime { get; set; }
}

/// <summary>Cluster metadata the agent discovers on the member (the peer of OCM's ClusterClaims).</summary>
public sealed class DiscoveredMetadata
{
    [JsonPropertyName("provider")]
    [Description("The scheme of the nodes' spec.providerID (aws, gce, azure, ...), the most common one when they differ.")]
    public string? Provider { get; set; }

    [JsonPropertyName("region")]
    [Description("The nodes' topology.kubernetes.io/region label, the most common one when they differ.")]
    public string? Region { get; set; }

    [JsonPropertyName("zones")]
    [Description("Every value of the nodes' topology.kubernetes.io/zone label, sorted.")]
    public IList<string>? Zones { get; set; }

    [JsonPropertyName("distribution")]
    [Description("The Kubernetes distribution as the server version shows it (k3s, rke2, eks, gke, ...), else kubernetes.")]
    public string? Distribution { get; set; }
}
