using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

/// <summary>
/// A slim object as a watch cache keeps it. Once compacted it holds its name, namespace and resourceVersion in
/// fields of its own and makes up <see cref="Metadata"/> when asked (a copy: changing it changes nothing): a
/// V1ObjectMeta costs ~170 bytes, which at 150,000 pods is 24 MiB spent on empty fields.
/// </summary>
public abstract class SlimObject : IKubernetesObject<V1ObjectMeta>
{
    private V1ObjectMeta? _metadata;
    private string? _name;
    private string? _namespace;
    private string? _resourceVersion;

    [JsonIgnore] public string ApiVersion { get => "v1"; set { } }

    [JsonIgnore] public string Kind { get => KindName; set { } }

    protected abstract string KindName { get; }

    [JsonPropertyName("metadata")]
    [JsonConverter(typeof(SlimObjectMetaConverter))]
    public V1ObjectMeta Metadata
    {
        get => _metadata ?? new V1ObjectMeta { Name = _name, NamespaceProperty = _namespace, ResourceVersion = _resourceVersion };
        set => _metadata = value;
    }

    /// <summary>Keeps the name, namespace and resourceVersion of <paramref name="source"/>, and nothing else of its metadata.</summary>
    protected void KeepIdentityOf(SlimObject source, Func<string?, string?> intern)
    {
        var metadata = source.Metadata;
        _metadata = null;
        _name = metadata.Name;
        _namespace = intern(metadata.NamespaceProperty);
        _resourceVersion = metadata.ResourceVersion;
    }
}

/// <summary>
/// The few fields of a Node the status needs. The JSON deserializer skips everything else, and the watch cache
/// keeps only the compacted form (see <see cref="Compact"/>), so 5,000 nodes cost little memory.
/// </summary>
public sealed class SlimNode : SlimObject
{
    protected override string KindName => "Node";

    [JsonPropertyName("status")] public SlimNodeStatus? Status { get; set; }

    [JsonIgnore] public ResourceAmounts Allocatable { get; private set; } = new();
    [JsonIgnore] public bool Ready { get; private set; }

    public SlimNode Compact()
    {
        var compact = new SlimNode
        {
            Allocatable = ResourceAmounts.From(Status?.Allocatable),
            Ready = Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
        };
        compact.KeepIdentityOf(this, static value => value);
        return compact;
    }
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
public sealed class SlimPod : SlimObject
{
    protected override string KindName => "Pod";

    [JsonPropertyName("spec")] public SlimPodSpec? Spec { get; set; }
    [JsonPropertyName("status")] public SlimPodStatus? Status { get; set; }

    [JsonIgnore] public string? NodeName { get; private set; }
    [JsonIgnore] public bool Terminal { get; private set; }
    [JsonIgnore] public ResourceAmounts Requests { get; private set; } = new();

    /// <summary>Pods of one workload ask for the same amounts, so <paramref name="pool"/> shares their requests as it shares namespace and node names.</summary>
    public SlimPod Compact(CompactionPool pool)
    {
        var compact = new SlimPod
        {
            NodeName = pool.Intern(string.IsNullOrEmpty(Spec?.NodeName) ? null : Spec.NodeName),
            Terminal = PodRequests.IsTerminal(Status?.Phase),
            Requests = pool.Intern(PodRequests.Of(Spec)),
        };
        compact.KeepIdentityOf(this, pool.Intern);
        return compact;
    }
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
