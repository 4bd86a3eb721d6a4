using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.Karmada;

/// <summary>
/// Karmada's work.karmada.io/v1alpha1 Work: the manifests the control plane wants applied to one member, in that
/// member's execution namespace karmada-es-&lt;cluster&gt; (pkg/apis/work/v1alpha1/work_types.go). JSON names and
/// omitempty rules are Karmada's: identifier.ordinal, version, kind, resource and name are always written.
/// </summary>
[KubernetesEntity(Group = WorkConstants.Group, ApiVersion = WorkConstants.Version, Kind = "Work", PluralName = "works")]
[KubernetesEntityShortNames("wk")]
[KubernetesEntityCategories("karmada-io")]
[Description("Work defines a list of resources to be deployed on the member cluster.")]
[AdditionalPrinterColumn("WORKLOAD-KIND", "string", ".spec.workload.manifests[*].kind")]
[AdditionalPrinterColumn("APPLIED", "string", ".status.conditions[?(@.type==\"Applied\")].status")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
public sealed class Work : CustomKubernetesEntity<WorkSpec, WorkStatus>;

public sealed class WorkSpec
{
    [JsonPropertyName("workload")]
    public WorkloadTemplate? Workload { get; set; }

    /// <summary>True stops creating and updating the member objects; status collection goes on.</summary>
    [JsonPropertyName("suspendDispatching")]
    public bool? SuspendDispatching { get; set; }

    /// <summary>True keeps the member objects (without Karmada's marks) when the Work is deleted.</summary>
    [JsonPropertyName("preserveResourcesOnDeletion")]
    public bool? PreserveResourcesOnDeletion { get; set; }
}

public sealed class WorkloadTemplate
{
    /// <summary>Raw Kubernetes objects, applied in order; unknown fields are kept.</summary>
    [JsonPropertyName("manifests")]
    public IList<JsonObject>? Manifests { get; set; }
}

public sealed class WorkStatus
{
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("manifestStatuses")]
    public IList<ManifestStatus>? ManifestStatuses { get; set; }
}

public sealed class ManifestStatus
{
    [JsonPropertyName("identifier")]
    [Required]
    public ResourceIdentifier Identifier { get; set; } = new();

    /// <summary>The member object's status as the interpreter reflects it.</summary>
    [JsonPropertyName("status")]
    [PreserveUnknownFields]
    public JsonObject? Status { get; set; }

    [JsonPropertyName("health")]
    [EnumValues(WorkConstants.Healthy, WorkConstants.Unhealthy, WorkConstants.HealthUnknown)]
    public string? Health { get; set; }
}

public sealed class ResourceIdentifier
{
    [JsonPropertyName("ordinal")]
    [Required]
    public int Ordinal { get; set; }

    [JsonPropertyName("group")]
    public string? Group { get; set; }

    [JsonPropertyName("version")]
    [Required]
    public string Version { get; set; } = "";

    [JsonPropertyName("kind")]
    [Required]
    public string Kind { get; set; } = "";

    /// <summary>Always written, never filled, as Karmada's agent does.</summary>
    [JsonPropertyName("resource")]
    [Required]
    public string Resource { get; set; } = "";

    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("name")]
    [Required]
    public string Name { get; set; } = "";
}
