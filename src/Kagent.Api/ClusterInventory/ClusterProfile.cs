using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.ClusterInventory;

/// <summary>
/// SIG-Multicluster's multicluster.x-k8s.io/v1alpha1 ClusterProfile (kubernetes-sigs/cluster-inventory-api,
/// apis/v1alpha1/clusterprofile_types.go), field for field: one per member cluster, in the namespace that is the
/// inventory, owned by one cluster manager. Multicluster tools (Kueue's MultiKueue, Argo CD, multicluster-runtime,
/// Headlamp) discover clusters through it.
/// </summary>
[KubernetesEntity(Group = Group, ApiVersion = Version, Kind = "ClusterProfile", PluralName = "clusterprofiles")]
[Description("ClusterProfile represents a single cluster in a multi-cluster deployment.")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
public sealed class ClusterProfile : CustomKubernetesEntity<ClusterProfileSpec, ClusterProfileStatus>
{
    public const string Group = "multicluster.x-k8s.io";
    public const string Version = "v1alpha1";

    /// <summary>The label that names the cluster manager; it must equal spec.clusterManager.name.</summary>
    public const string ClusterManagerLabel = "x-k8s.io/cluster-manager";

    /// <summary>The one condition type the API defines; consumers engage clusters where it is True.</summary>
    public const string ConditionControlPlaneHealthy = "ControlPlaneHealthy";

    /// <summary>KEP-2149's property holding the cluster's id.</summary>
    public const string PropertyClusterId = "cluster.clusterset.k8s.io";
}

public sealed class ClusterProfileSpec
{
    [JsonPropertyName("displayName")]
    public string? DisplayName { get; set; }

    /// <summary>Immutable once set (the upstream CRD enforces it with CEL on servers that have it).</summary>
    [JsonPropertyName("clusterManager")]
    [Required]
    public ClusterManager ClusterManager { get; set; } = new();
}

public sealed class ClusterManager
{
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";
}

public sealed class ClusterProfileStatus
{
    [JsonPropertyName("conditions")]
    [ListMapKeys("type")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("version")]
    public ClusterVersion? Version { get; set; }

    [JsonPropertyName("properties")]
    [ListMapKeys("name")]
    public IList<ClusterProfileProperty>? Properties { get; set; }

    [JsonPropertyName("accessProviders")]
    [ListMapKeys("name")]
    public IList<AccessProvider>? AccessProviders { get; set; }
}

public sealed class ClusterVersion
{
    [JsonPropertyName("kubernetes")]
    public string? Kubernetes { get; set; }
}

public sealed class ClusterProfileProperty
{
    [JsonPropertyName("name")]
    [Required]
    [Length(1, 253)]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    [Required]
    [Length(1, 1024)]
    public string Value { get; set; } = "";

    /// <summary>When the value was last seen on the cluster.</summary>
    [JsonPropertyName("lastObservedTime")]
    public DateTime? LastObservedTime { get; set; }
}

/// <summary>How a consumer reaches the cluster: the endpoint and CA (a kubeconfig Cluster), never credentials.</summary>
public sealed class AccessProvider
{
    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";

    [JsonPropertyName("cluster")]
    public AccessCluster? Cluster { get; set; }
}

/// <summary>The fields of a kubeconfig Cluster (client-go's clientcmd/api/v1 Cluster) that a profile carries.</summary>
public sealed class AccessCluster
{
    [JsonPropertyName("server")]
    [Required]
    public string Server { get; set; } = "";

    [JsonPropertyName("certificate-authority-data")]
    public byte[]? CertificateAuthorityData { get; set; }

    [JsonPropertyName("proxy-url")]
    public string? ProxyUrl { get; set; }

    [JsonPropertyName("tls-server-name")]
    public string? TlsServerName { get; set; }

    /// <summary>
    /// Named extensions; client.authentication.k8s.io/exec reaches the consumer's credential plugin (its
    /// ExecCredential's spec.cluster.config), e.g. the cluster's name for the cluster inventory API's secretreader.
    /// </summary>
    [JsonPropertyName("extensions")]
    [ListMapKeys("name")]
    public IList<NamedExtension>? Extensions { get; set; }
}

public sealed class NamedExtension
{
    public const string ExecExtensionName = "client.authentication.k8s.io/exec";

    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";

    [JsonPropertyName("extension")]
    [Required]
    [PreserveUnknownFields]
    public System.Text.Json.Nodes.JsonObject Extension { get; set; } = [];
}
