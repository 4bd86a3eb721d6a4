using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.V1Beta1;

/// <summary>
/// The readiness history of one Karmada Cluster as the hub observed it, named after the cluster: the latest
/// transitions and a 30-day aggregate per hour. Written by the leading hub replica only; every replica serves it on
/// clusterhealths (status.availability and the history subresource). Bounded: at most
/// <see cref="AvailabilityLimits.Transitions"/> transitions and <see cref="AvailabilityLimits.Hours"/> hours.
/// </summary>
[KubernetesEntity(Group = KagentConstants.Group, ApiVersion = KagentConstants.Version, Kind = "ClusterAvailability", PluralName = "clusteravailabilities")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityCategories("kagent")]
[Description("ClusterAvailability is the readiness history of one Karmada Cluster as kagent hub observed it, named after the cluster: its latest transitions and 30 days of hourly aggregates. Written by the hub; read it through kubectl get clusterhealth and the clusterhealths/<name>/history subresource.")]
[AdditionalPrinterColumn("SINCE", "date", ".spec.since")]
[AdditionalPrinterColumn("AGE", "date", ".metadata.creationTimestamp")]
public sealed class ClusterAvailability : CustomKubernetesEntity<ClusterAvailabilitySpec>;

public static class AvailabilityLimits
{
    /// <summary>Transitions kept per cluster, oldest dropped first.</summary>
    public const int Transitions = 100;

    /// <summary>Hours of aggregate kept per cluster: 30 days.</summary>
    public const int Hours = 30 * 24;
}

/// <summary>What the hub saw a cluster as: up (ready), down (not ready for any reason), or unobserved (no hub was watching).</summary>
public static class AvailabilityStates
{
    public const string Up = "Up";
    public const string Down = "Down";
    public const string Unobserved = "Unobserved";
}

public sealed class ClusterAvailabilitySpec
{
    [JsonPropertyName("since")]
    [Description("When the hub first observed the cluster.")]
    public DateTime Since { get; set; }

    [JsonPropertyName("transitions")]
    [Description("The latest state changes, oldest first; each state lasts until the next transition.")]
    [Length(maxLength: AvailabilityLimits.Transitions)]
    public IList<AvailabilityTransition> Transitions { get; set; } = new List<AvailabilityTransition>();

    [JsonPropertyName("hours")]
    [Description("Per UTC hour of the last 30 days, the time the cluster was down or unobserved and its transitions; hours in which it was up all along are left out.")]
    [Length(maxLength: AvailabilityLimits.Hours)]
    public IList<AvailabilityHour> Hours { get; set; } = new List<AvailabilityHour>();
}

public sealed class AvailabilityTransition
{
    [JsonPropertyName("time")]
    public DateTime Time { get; set; }

    [JsonPropertyName("state")]
    [EnumValues(AvailabilityStates.Up, AvailabilityStates.Down, AvailabilityStates.Unobserved)]
    public string State { get; set; } = AvailabilityStates.Up;

    [JsonPropertyName("reason")]
    [Description("The clusterhealth reason (ClusterReady, ClusterNotReady, HeartbeatStale, ...), or HubNotObserving.")]
    public string? Reason { get; set; }
}

public sealed class AvailabilityHour
{
    [JsonPropertyName("start")]
    [Description("The start of the UTC hour.")]
    public DateTime Start { get; set; }

    [JsonPropertyName("downSeconds")]
    public long DownSeconds { get; set; }

    [JsonPropertyName("unobservedSeconds")]
    public long UnobservedSeconds { get; set; }

    [JsonPropertyName("transitions")]
    public int Transitions { get; set; }

    [JsonPropertyName("longestOutageSeconds")]
    [Description("The longest outage that ended in this hour, in full.")]
    public long LongestOutageSeconds { get; set; }
}
