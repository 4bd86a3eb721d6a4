using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.Karmada;

/// <summary>
/// Karmada's config.karmada.io/v1alpha1 ResourceInterpreterCustomization: Lua scripts that replace the built-in
/// interpretation of one kind (pkg/apis/config/v1alpha1/resourceinterpretercustomization_types.go).
/// </summary>
[KubernetesEntity(Group = WorkConstants.ConfigGroup, ApiVersion = WorkConstants.ConfigVersion, Kind = "ResourceInterpreterCustomization", PluralName = "resourceinterpretercustomizations")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityShortNames("ric")]
[KubernetesEntityCategories("karmada-io")]
[Description("ResourceInterpreterCustomization describes the configuration of a specific resource for Karmada to get the structure.")]
[AdditionalPrinterColumn("TARGET-API-VERSION", "string", ".spec.target.apiVersion")]
[AdditionalPrinterColumn("TARGET-KIND", "string", ".spec.target.kind")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
public sealed class ResourceInterpreterCustomization : CustomKubernetesEntity<ResourceInterpreterCustomizationSpec>;

public sealed class ResourceInterpreterCustomizationSpec
{
    [JsonPropertyName("target")]
    [Required]
    public CustomizationTarget Target { get; set; } = new();

    [JsonPropertyName("customizations")]
    [Required]
    public CustomizationRules Customizations { get; set; } = new();
}

public sealed class CustomizationTarget
{
    [JsonPropertyName("apiVersion")]
    [Required]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    [Required]
    public string Kind { get; set; } = "";
}

/// <summary>Each rule is a Lua script defining one function; the agent runs retention, statusReflection and healthInterpretation.</summary>
public sealed class CustomizationRules
{
    [JsonPropertyName("retention")]
    public LuaScriptRule? Retention { get; set; }

    [JsonPropertyName("replicaResource")]
    public LuaScriptRule? ReplicaResource { get; set; }

    [JsonPropertyName("replicaRevision")]
    public LuaScriptRule? ReplicaRevision { get; set; }

    [JsonPropertyName("statusReflection")]
    public LuaScriptRule? StatusReflection { get; set; }

    [JsonPropertyName("statusAggregation")]
    public LuaScriptRule? StatusAggregation { get; set; }

    [JsonPropertyName("healthInterpretation")]
    public LuaScriptRule? HealthInterpretation { get; set; }

    [JsonPropertyName("dependencyInterpretation")]
    public LuaScriptRule? DependencyInterpretation { get; set; }

    [JsonPropertyName("componentResource")]
    public LuaScriptRule? ComponentResource { get; set; }
}

public sealed class LuaScriptRule
{
    [JsonPropertyName("luaScript")]
    [Required]
    public string LuaScript { get; set; } = "";
}
