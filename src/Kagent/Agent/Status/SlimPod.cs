using System.Text.Json.Serialization;

namespace Kagent.Agent.Status;

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
