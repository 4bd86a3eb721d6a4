using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.Karmada;

/// <summary>
/// Karmada's cluster.karmada.io/v1alpha1 Cluster, field for field with Karmada's Go types
/// (pkg/apis/cluster/v1alpha1/types.go). A stock Karmada control plane serves it from its aggregated
/// API server; for tests the same schema is installed as a CRD.
/// </summary>
[KubernetesEntity(Group = KarmadaConstants.ClusterGroup, ApiVersion = KarmadaConstants.ClusterVersion, Kind = "Cluster", PluralName = "clusters")]
[EntityScope(EntityScope.Cluster)]
[Description("Cluster represents the desire state and status of a member cluster.")]
[AdditionalPrinterColumn("VERSION", "string", ".status.kubernetesVersion")]
[AdditionalPrinterColumn("MODE", "string", ".spec.syncMode")]
[AdditionalPrinterColumn("READY", "string", ".status.conditions[?(@.type==\"Ready\")].status")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
[AdditionalPrinterColumn("ZONES", "string", ".spec.zones", Priority = 1)]
[AdditionalPrinterColumn("REGION", "string", ".spec.region", Priority = 1)]
[AdditionalPrinterColumn("PROVIDER", "string", ".spec.provider", Priority = 1)]
[AdditionalPrinterColumn("API-ENDPOINT", "string", ".spec.apiEndpoint", Priority = 1)]
[AdditionalPrinterColumn("PROXY-URL", "string", ".spec.proxyURL", Priority = 1)]
public sealed class Cluster : CustomKubernetesEntity<ClusterSpec, ClusterStatus>;

public sealed class ClusterSpec
{
    [JsonPropertyName("id")]
    [Length(maxLength: 128000)]
    public string? Id { get; set; }

    [JsonPropertyName("syncMode")]
    [Required]
    [EnumValues(KarmadaConstants.SyncModePush, KarmadaConstants.SyncModePull)]
    public string SyncMode { get; set; } = KarmadaConstants.SyncModePull;

    [JsonPropertyName("apiEndpoint")]
    public string? ApiEndpoint { get; set; }

    [JsonPropertyName("secretRef")]
    public LocalSecretReference? SecretRef { get; set; }

    [JsonPropertyName("impersonatorSecretRef")]
    public LocalSecretReference? ImpersonatorSecretRef { get; set; }

    [JsonPropertyName("insecureSkipTLSVerification")]
    public bool? InsecureSkipTlsVerification { get; set; }

    [JsonPropertyName("proxyURL")]
    public string? ProxyUrl { get; set; }

    [JsonPropertyName("proxyHeader")]
    public IDictionary<string, string>? ProxyHeader { get; set; }

    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("region")]
    public string? Region { get; set; }

    /// <summary>Deprecated in Karmada in favour of <see cref="Zones"/>.</summary>
    [JsonPropertyName("zone")]
    public string? Zone { get; set; }

    [JsonPropertyName("zones")]
    public IList<string>? Zones { get; set; }

    [JsonPropertyName("taints")]
    public IList<V1Taint>? Taints { get; set; }

    [JsonPropertyName("resourceModels")]
    public IList<ResourceModel>? ResourceModels { get; set; }
}

public sealed class LocalSecretReference
{
    [JsonPropertyName("namespace")]
    [Required]
    public string Namespace { get; set; } = "";

    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";
}

public sealed class ResourceModel
{
    [JsonPropertyName("grade")]
    [Required]
    public uint Grade { get; set; }

    [JsonPropertyName("ranges")]
    [Required]
    public IList<ResourceModelRange> Ranges { get; set; } = new List<ResourceModelRange>();
}

/// <summary>An interval [Min, Max) of one resource.</summary>
public sealed class ResourceModelRange
{
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";

    [JsonPropertyName("min")]
    [Required]
    public ResourceQuantity Min { get; set; } = new("0");

    [JsonPropertyName("max")]
    [Required]
    public ResourceQuantity Max { get; set; } = new("0");
}

public sealed class ClusterStatus
{
    [JsonPropertyName("kubernetesVersion")]
    public string? KubernetesVersion { get; set; }

    [JsonPropertyName("apiEnablements")]
    public IList<ApiEnablement>? ApiEnablements { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("nodeSummary")]
    public NodeSummary? NodeSummary { get; set; }

    [JsonPropertyName("resourceSummary")]
    public ResourceSummary? ResourceSummary { get; set; }

    /// <summary>Written by Karmada's control-plane remedy controller, never by an agent.</summary>
    [JsonPropertyName("remedyActions")]
    public IList<string>? RemedyActions { get; set; }
}

public sealed class ApiEnablement
{
    [JsonPropertyName("groupVersion")]
    [Required]
    public string GroupVersion { get; set; } = "";

    [JsonPropertyName("resources")]
    public IList<ApiResource>? Resources { get; set; }
}

public sealed class ApiResource
{
    /// <summary>The plural resource name.</summary>
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";

    [JsonPropertyName("kind")]
    [Required]
    public string Kind { get; set; } = "";
}

public sealed class NodeSummary
{
    [JsonPropertyName("totalNum")]
    public int? TotalNum { get; set; }

    [JsonPropertyName("readyNum")]
    public int? ReadyNum { get; set; }
}

public sealed class ResourceSummary
{
    [JsonPropertyName("allocatable")]
    public IDictionary<string, ResourceQuantity>? Allocatable { get; set; }

    [JsonPropertyName("allocating")]
    public IDictionary<string, ResourceQuantity>? Allocating { get; set; }

    [JsonPropertyName("allocated")]
    public IDictionary<string, ResourceQuantity>? Allocated { get; set; }

    [JsonPropertyName("allocatableModelings")]
    public IList<AllocatableModeling>? AllocatableModelings { get; set; }
}

public sealed class AllocatableModeling
{
    [JsonPropertyName("grade")]
    [Required]
    public uint Grade { get; set; }

    [JsonPropertyName("count")]
    [Required]
    public int Count { get; set; }
}
