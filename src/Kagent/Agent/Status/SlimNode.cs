using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

/// <summary>
/// The few fields of a Node the status needs. The JSON deserializer skips everything else, and the watch cache
/// keeps only the compacted form (see <see cref="Compact"/>), so 5,000 nodes cost little memory.
/// </summary>
public sealed class SlimNode : SlimObject
{
    public const string ZoneLabel = "topology.kubernetes.io/zone";
    public const string RegionLabel = "topology.kubernetes.io/region";

    // Before Kubernetes 1.17 the same labels were beta; nodes that have only those are still read.
    private const string LegacyZoneLabel = "failure-domain.beta.kubernetes.io/zone";
    private const string LegacyRegionLabel = "failure-domain.beta.kubernetes.io/region";

    protected override string KindName => "Node";

    [JsonPropertyName("metadata")]
    [JsonConverter(typeof(TopologyLabelsConverter))]
    public override V1ObjectMeta Metadata { get => base.Metadata; set => base.Metadata = value; }

    [JsonPropertyName("spec")] public SlimNodeSpec? Spec { get; set; }

    [JsonPropertyName("status")] public SlimNodeStatus? Status { get; set; }

    [JsonIgnore] public ResourceAmounts Allocatable { get; private set; } = new();
    [JsonIgnore] public bool Ready { get; private set; }

    /// <summary>The node's topology (zone, region) and provider.</summary>
    [JsonIgnore] public NodePlacement Placement { get; private set; } = NodePlacement.None;

    public SlimNode Compact()
    {
        var labels = Metadata.Labels;
        string? Label(string key, string legacy) =>
            labels?.TryGetValue(key, out var value) == true || labels?.TryGetValue(legacy, out value) == true ? NonEmpty(value) : null;
        var compact = new SlimNode
        {
            Allocatable = ResourceAmounts.From(Status?.Allocatable),
            Ready = Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true,
            Placement = NodePlacement.Of(Label(ZoneLabel, LegacyZoneLabel), Label(RegionLabel, LegacyRegionLabel), ProviderOf(Spec?.ProviderId)),
        };
        compact.KeepIdentityOf(this, static value => value);
        return compact;
    }

    /// <summary>The scheme of a providerID ("aws:///eu-west-1a/i-0abc" is aws); null when it has none.</summary>
    public static string? ProviderOf(string? providerId)
    {
        var end = providerId?.IndexOf("://", StringComparison.Ordinal) ?? -1;
        return end > 0 ? providerId![..end].ToLowerInvariant() : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Keeps the topology labels of a node's metadata, and no other label.</summary>
    private sealed class TopologyLabelsConverter : SlimObjectMetaConverter
    {
        protected override bool ReadsLabels => true;

        protected override bool KeepsLabel(string key) => key is ZoneLabel or RegionLabel or LegacyZoneLabel or LegacyRegionLabel;
    }
}
