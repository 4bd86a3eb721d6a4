using System.Text.Json.Serialization;

namespace Kagent.Agent.Status;

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
