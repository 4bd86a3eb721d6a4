using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

/// <summary>
/// The few fields of a Node the status needs. The JSON deserializer skips everything else, and the watch cache
/// keeps only the compacted form (see <see cref="Compact"/>), so 5,000 nodes cost little memory.
/// </summary>
public sealed class SlimNode : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "v1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Node";
    [JsonPropertyName("metadata")][JsonConverter(typeof(SlimObjectMetaConverter))] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("status")] public SlimNodeStatus? Status { get; set; }

    [JsonIgnore] public ResourceAmounts Allocatable { get; private set; } = new();
    [JsonIgnore] public bool Ready { get; private set; }

    public SlimNode Compact() => new()
    {
        Metadata = new V1ObjectMeta { Name = Metadata.Name, ResourceVersion = Metadata.ResourceVersion },
        Allocatable = ResourceAmounts.From(Status?.Allocatable),
        Ready = Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
    };
}

public sealed class SlimNodeStatus
{
    [JsonPropertyName("allocatable")] public Dictionary<string, ResourceQuantity>? Allocatable { get; set; }
    [JsonPropertyName("conditions")] public List<SlimCondition>? Conditions { get; set; }
}

public sealed class SlimCondition
{
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
}

/// <summary>
/// The few fields of a Pod the status needs; compacted to its requests, node and whether it is terminal, so that
/// 150,000 pods fit in tens of megabytes.
/// </summary>
public sealed class SlimPod : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "v1";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "Pod";
    [JsonPropertyName("metadata")][JsonConverter(typeof(SlimObjectMetaConverter))] public V1ObjectMeta Metadata { get; set; } = new();
    [JsonPropertyName("spec")] public SlimPodSpec? Spec { get; set; }
    [JsonPropertyName("status")] public SlimPodStatus? Status { get; set; }

    [JsonIgnore] public string? NodeName { get; private set; }
    [JsonIgnore] public bool Terminal { get; private set; }
    [JsonIgnore] public ResourceAmounts Requests { get; private set; } = new();

    public SlimPod Compact(Func<string?, string?> intern) => new()
    {
        Metadata = new V1ObjectMeta { Name = Metadata.Name, NamespaceProperty = intern(Metadata.NamespaceProperty), ResourceVersion = Metadata.ResourceVersion },
        NodeName = intern(string.IsNullOrEmpty(Spec?.NodeName) ? null : Spec.NodeName),
        Terminal = PodRequests.IsTerminal(Status?.Phase),
        Requests = PodRequests.Of(Spec),
    };
}

public sealed class SlimPodSpec
{
    [JsonPropertyName("nodeName")] public string? NodeName { get; set; }
    [JsonPropertyName("containers")] public List<SlimContainer>? Containers { get; set; }
    [JsonPropertyName("initContainers")] public List<SlimContainer>? InitContainers { get; set; }
    [JsonPropertyName("overhead")] public Dictionary<string, ResourceQuantity>? Overhead { get; set; }
}

public sealed class SlimContainer
{
    [JsonPropertyName("resources")] public SlimResources? Resources { get; set; }
}

public sealed class SlimResources
{
    [JsonPropertyName("requests")] public Dictionary<string, ResourceQuantity>? Requests { get; set; }
}

public sealed class SlimPodStatus
{
    [JsonPropertyName("phase")] public string? Phase { get; set; }
}
