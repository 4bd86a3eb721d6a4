using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Api.V1Alpha1;

/// <summary>
/// The live health of one Karmada Cluster, computed by `kagent hub` at request time and served by its aggregated
/// API (never stored): readiness judged from the heartbeat Lease and the Cluster's conditions, capacity and
/// allocation, placement and registration.
/// </summary>
[KubernetesEntity(Group = KagentConstants.Group, ApiVersion = KagentConstants.HealthVersion, Kind = "ClusterHealth", PluralName = "clusterhealths")]
[EntityScope(EntityScope.Cluster)]
[KubernetesEntityShortNames("ch")]
[KubernetesEntityCategories("kagent")]
[Description("ClusterHealth is the live health of one Karmada Cluster, computed by kagent hub from the Cluster, its heartbeat Lease and its ClusterRegistration at request time. Read-only.")]
public sealed class ClusterHealth : CustomKubernetesEntity
{
    [JsonPropertyName("status")]
    public ClusterHealthStatus Status { get; set; } = new();
}

public sealed class ClusterHealthStatus
{
    [JsonPropertyName("ready")]
    [EnumValues("True", "False", "Unknown")]
    [Description("Whether the cluster is ready: its heartbeat is fresh and its Ready condition is True.")]
    public string Ready { get; set; } = "Unknown";

    [JsonPropertyName("reason")]
    [Description("Why: ClusterReady, ClusterNotReady, ClusterNotReachable (Karmada's reasons), HeartbeatStale, HeartbeatMissing or NoStatus.")]
    public string? Reason { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("heartbeat")]
    [Description("The heartbeat Lease karmada-cluster/<name>, as of this answer.")]
    public HeartbeatInfo? Heartbeat { get; set; }

    [JsonPropertyName("kubernetesVersion")]
    public string? KubernetesVersion { get; set; }

    [JsonPropertyName("nodes")]
    public NodeCounts? Nodes { get; set; }

    [JsonPropertyName("cpu")]
    [Description("CPU allocatable and allocated (requests of scheduled pods), in cores.")]
    public ResourceUsage? Cpu { get; set; }

    [JsonPropertyName("memory")]
    public ResourceUsage? Memory { get; set; }

    [JsonPropertyName("pods")]
    public ResourceUsage? Pods { get; set; }

    [JsonPropertyName("provider")]
    public string? Provider { get; set; }

    [JsonPropertyName("region")]
    public string? Region { get; set; }

    [JsonPropertyName("zones")]
    public IList<string>? Zones { get; set; }

    [JsonPropertyName("syncMode")]
    public string? SyncMode { get; set; }

    [JsonPropertyName("clusterID")]
    [Description("The member's stable id (Cluster.spec.id): its ClusterProperty cluster.clusterset.k8s.io, else its kube-system namespace UID.")]
    public string? ClusterId { get; set; }

    [JsonPropertyName("discovered")]
    [Description("What the cluster's agent discovers on the member and keeps current (ClusterRegistration.spec.discovered).")]
    public V1Beta1.DiscoveredMetadata? Discovered { get; set; }

    [JsonPropertyName("registrationPhase")]
    [Description("The phase of the ClusterRegistration of the same name, when the cluster was onboarded by Kagent.")]
    public string? RegistrationPhase { get; set; }

    [JsonPropertyName("conditions")]
    [Description("The Karmada Cluster's conditions.")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("availability")]
    [Description("How available the cluster has been, from the readiness history the hub keeps (ClusterAvailability), as of this answer.")]
    public AvailabilityInfo? Availability { get; set; }

    /// <summary>A copy with another heartbeat and availability, both computed per answer (the rest is shared, so neither copy may be changed afterwards).</summary>
    public ClusterHealthStatus WithLive(HeartbeatInfo? heartbeat, AvailabilityInfo? availability)
    {
        var copy = (ClusterHealthStatus)MemberwiseClone();
        copy.Heartbeat = heartbeat;
        copy.Availability = availability;
        return copy;
    }
}

public sealed class AvailabilityInfo
{
    [JsonPropertyName("since")]
    [Description("When the hub first observed the cluster; windows reaching further back count from here.")]
    public DateTime Since { get; set; }

    [JsonPropertyName("lastTransition")]
    [Description("The latest change of state: Up, Down or Unobserved (no hub was watching).")]
    public V1Beta1.AvailabilityTransition? LastTransition { get; set; }

    [JsonPropertyName("windows")]
    [Description("The windows 1h, 24h, 7d and 30d ending now.")]
    public IList<AvailabilityWindow> Windows { get; set; } = new List<AvailabilityWindow>();
}

public sealed class AvailabilityWindow
{
    [JsonPropertyName("window")]
    [EnumValues("1h", "24h", "7d", "30d")]
    public string Window { get; set; } = "";

    [JsonPropertyName("ratio")]
    [Description("Time up / time observed (up + down), 0 to 1; absent when nothing was observed. Unobserved time counts neither way.")]
    public double? Ratio { get; set; }

    [JsonPropertyName("upSeconds")]
    public long UpSeconds { get; set; }

    [JsonPropertyName("downSeconds")]
    public long DownSeconds { get; set; }

    [JsonPropertyName("unobservedSeconds")]
    [Description("Time no hub replica was watching (the hub was down), which is not counted as up.")]
    public long UnobservedSeconds { get; set; }

    [JsonPropertyName("transitions")]
    public int Transitions { get; set; }

    [JsonPropertyName("longestOutageSeconds")]
    [Description("The longest time down, in full, of the outages that ended in the window or still last.")]
    public long LongestOutageSeconds { get; set; }

    [JsonPropertyName("exact")]
    [Description("False when the window reaches back past the transitions kept, so that its first hour is pro-rated from the hourly aggregate.")]
    public bool Exact { get; set; }
}

/// <summary>The answer of clusterhealths/{name}/history: every transition the hub keeps and its hourly aggregate.</summary>
[Description("ClusterHealthHistory is the readiness history of one cluster: its latest transitions and 30 days of hourly aggregates.")]
public sealed class ClusterHealthHistory
{
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ClusterHealthHistory";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KagentConstants.HealthGroupVersion;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("since")]
    public DateTime? Since { get; set; }

    [JsonPropertyName("transitions")]
    public IList<V1Beta1.AvailabilityTransition> Transitions { get; set; } = new List<V1Beta1.AvailabilityTransition>();

    [JsonPropertyName("hours")]
    public IList<V1Beta1.AvailabilityHour> Hours { get; set; } = new List<V1Beta1.AvailabilityHour>();
}

public sealed class HeartbeatInfo
{
    [JsonPropertyName("lastRenewTime")]
    public DateTime? LastRenewTime { get; set; }

    [JsonPropertyName("ageSeconds")]
    [Description("Seconds since lastRenewTime when this answer was computed.")]
    public long? AgeSeconds { get; set; }

    [JsonPropertyName("leaseDurationSeconds")]
    public int? LeaseDurationSeconds { get; set; }

    [JsonPropertyName("holderIdentity")]
    public string? HolderIdentity { get; set; }
}

public sealed class NodeCounts
{
    [JsonPropertyName("ready")]
    public int Ready { get; set; }

    [JsonPropertyName("total")]
    public int Total { get; set; }
}

public sealed class ResourceUsage
{
    // Quantities as the Cluster wrote them: kept as text, since they are only ever shown.
    [JsonPropertyName("allocatable")]
    [Description("A Kubernetes quantity, such as 12, 1500m or 48Gi.")]
    public string? Allocatable { get; set; }

    [JsonPropertyName("allocated")]
    [Description("A Kubernetes quantity, such as 12, 1500m or 48Gi.")]
    public string? Allocated { get; set; }

    [JsonPropertyName("allocatedPercent")]
    [Description("allocated / allocatable × 100, rounded down; absent when nothing is allocatable.")]
    public int? AllocatedPercent { get; set; }
}

/// <summary>The answer of clusterhealths/{name}/probe: a live probe of the member's API server.</summary>
[Description("ClusterHealthProbe is the result of an on-demand probe of a member cluster's API server from the control plane.")]
public sealed class ClusterHealthProbe
{
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ClusterHealthProbe";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KagentConstants.HealthGroupVersion;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("apiEndpoint")]
    public string ApiEndpoint { get; set; } = "";

    [JsonPropertyName("probeTime")]
    public DateTime ProbeTime { get; set; }

    [JsonPropertyName("endpoints")]
    public IList<ProbedEndpoint> Endpoints { get; set; } = new List<ProbedEndpoint>();

    /// <summary>"control-plane": probed now by the hub; "agent": the agent's last probe from inside the member (a Pull cluster the hub cannot reach).</summary>
    [JsonPropertyName("reportedBy")]
    public string ReportedBy { get; set; } = ProbeReporters.ControlPlane;

    /// <summary>For a probe the agent reported: seconds since it probed.</summary>
    [JsonPropertyName("ageSeconds")]
    public long? AgeSeconds { get; set; }
}

public static class ProbeReporters
{
    public const string ControlPlane = "control-plane";
    public const string Agent = "agent";
}

/// <summary>
/// The agent's last probe of its member's API server, which it carries on its heartbeat Lease in the annotation
/// <see cref="Annotation"/> (written with each renewal, so it costs no request of its own).
/// </summary>
public sealed class ReportedProbe
{
    public const string Annotation = "kagent.io/last-probe";

    [JsonPropertyName("probeTime")]
    public DateTime ProbeTime { get; set; }

    [JsonPropertyName("endpoints")]
    public IList<ProbedEndpoint> Endpoints { get; set; } = new List<ProbedEndpoint>();
}

public sealed class ProbedEndpoint
{
    [JsonPropertyName("path")]
    public string Path { get; set; } = "";

    [JsonPropertyName("statusCode")]
    public int? StatusCode { get; set; }

    [JsonPropertyName("ok")]
    public bool Ok { get; set; }

    [JsonPropertyName("durationMilliseconds")]
    public long DurationMilliseconds { get; set; }

    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("checks")]
    public IList<ProbeCheck>? Checks { get; set; }
}

public sealed class ProbeCheck
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("ok")]
    public bool Ok { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
