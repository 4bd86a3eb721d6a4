using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;

namespace Kagent.Aggregation.Health;

/// <summary>What the control plane holds about one cluster: the health of the cluster is computed from these alone.</summary>
public sealed record ClusterHealthInputs(Cluster Cluster, ObservedLease? Lease, ClusterRegistration? Registration);

/// <summary>
/// Computes a ClusterHealth. Freshness is judged against the given time, so that a heartbeat Lease older than its
/// duration shows as not ready before any controller has reacted to it.
/// </summary>
public static class ClusterHealthBuilder
{
    /// <summary>Karmada's default --cluster-lease-duration, for a Lease that does not say.</summary>
    public const int DefaultLeaseDurationSeconds = 40;

    private static readonly Guid UidNamespace = new("6c1f2d5e-3b1a-4f59-9a53-8c2f0e7d4b10");

    public static ClusterHealth Build(ClusterHealthInputs inputs, DateTime now)
    {
        var cluster = inputs.Cluster;
        var status = cluster.Status;
        var (ready, reason, message) = Judge(inputs, now);
        return new ClusterHealth
        {
            Metadata = new V1ObjectMeta
            {
                Name = cluster.Metadata.Name,
                Uid = UidFor(cluster.Metadata.Name),
                CreationTimestamp = cluster.Metadata.CreationTimestamp,
                Labels = cluster.Metadata.Labels is { Count: > 0 } labels ? new Dictionary<string, string>(labels) : null,
            },
            Status = new ClusterHealthStatus
            {
                Ready = ready,
                Reason = reason,
                Message = message,
                Heartbeat = Heartbeat(inputs.Lease, now),
                KubernetesVersion = status.KubernetesVersion,
                Nodes = status.NodeSummary is { } nodes ? new NodeCounts { Ready = nodes.ReadyNum ?? 0, Total = nodes.TotalNum ?? 0 } : null,
                Cpu = Usage(status.ResourceSummary, "cpu"),
                Memory = Usage(status.ResourceSummary, "memory"),
                Pods = Usage(status.ResourceSummary, "pods"),
                Provider = cluster.Spec.Provider,
                Region = cluster.Spec.Region,
                Zones = cluster.Spec.Zones is { Count: > 0 } zones ? zones.ToList() : cluster.Spec.Zone is { Length: > 0 } zone ? [zone] : null,
                SyncMode = cluster.Spec.SyncMode,
                ClusterId = cluster.Spec.Id,
                Discovered = inputs.Registration?.Spec.Discovered,
                RegistrationPhase = inputs.Registration?.Status.Phase,
                Conditions = status.Conditions is { Count: > 0 } conditions ? conditions.ToList() : null,
            },
        };
    }

    /// <summary>
    /// The heartbeat as of <paramref name="now"/> (its age changes with every answer, its state does not): the
    /// Lease's renewTime as the agent wrote it, and its age since the hub saw that renewal.
    /// </summary>
    public static HeartbeatInfo? Heartbeat(ObservedLease? observed, DateTime now)
    {
        if (observed is null) return null;
        var lease = observed.Lease;
        return new HeartbeatInfo
        {
            LastRenewTime = observed.RenewTime,
            AgeSeconds = observed.RenewTime is null ? null : Math.Max(0, (long)(now - observed.SeenAt).TotalSeconds),
            LeaseDurationSeconds = lease.Spec?.LeaseDurationSeconds,
            HolderIdentity = lease.Spec?.HolderIdentity,
        };
    }

    /// <summary>When a fresh heartbeat goes stale unless renewed; null when no Lease decides readiness.</summary>
    public static DateTime? StaleAt(ObservedLease? observed) =>
        observed?.RenewTime is null ? null : observed.SeenAt + LeaseDuration(observed.Lease);

    /// <summary>A UID that stays the same for a cluster name, in every hub replica and across restarts (Events refer to it).</summary>
    public static string UidFor(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(UidNamespace + "/" + name));
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static (string Ready, string Reason, string Message) Judge(ClusterHealthInputs inputs, DateTime now)
    {
        var lease = inputs.Lease;
        if (lease is not null && StaleAt(lease) is { } staleAt && now >= staleAt)
        {
            return ("False", HealthReasons.HeartbeatStale,
                $"no heartbeat for {Age(now - lease.SeenAt)} (lease duration {LeaseDuration(lease.Lease).TotalSeconds:0}s); last renewed at {lease.RenewTime:yyyy-MM-ddTHH:mm:ssZ}");
        }

        if (lease is null && inputs.Cluster.Spec.SyncMode == KarmadaConstants.SyncModePull)
        {
            return ("Unknown", HealthReasons.HeartbeatMissing,
                $"no heartbeat Lease {KarmadaConstants.ClusterNamespace}/{inputs.Cluster.Metadata.Name}: the cluster's agent has not reported yet");
        }

        var condition = inputs.Cluster.Status.Conditions?.FirstOrDefault(c => c.Type == KarmadaConstants.ConditionReady);
        return condition is null
            ? ("Unknown", HealthReasons.NoStatus, "the Cluster has no Ready condition yet")
            : (condition.Status, condition.Reason ?? "", condition.Message ?? "");
    }

    private static ResourceUsage? Usage(ResourceSummary? summary, string resource)
    {
        var allocatable = summary?.Allocatable?.TryGetValue(resource, out var a) == true ? a : null;
        var allocated = summary?.Allocated?.TryGetValue(resource, out var b) == true ? b : null;
        if (allocatable is null && allocated is null) return null;
        var total = allocatable?.ToDecimal() ?? 0;
        return new ResourceUsage
        {
            Allocatable = allocatable?.ToString(),
            Allocated = allocated?.ToString(),
            AllocatedPercent = total > 0 ? (int)Math.Floor((allocated?.ToDecimal() ?? 0) * 100 / total) : null,
        };
    }

    public static TimeSpan LeaseDuration(V1Lease lease)
    {
        var seconds = lease.Spec?.LeaseDurationSeconds ?? 0;
        return TimeSpan.FromSeconds(seconds > 0 ? seconds : DefaultLeaseDurationSeconds);
    }

    /// <summary>A duration as kubectl shows ages: 45s, 3m12s, 2h5m, 4d.</summary>
    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        if (age.TotalSeconds < 120) return $"{(int)age.TotalSeconds}s";
        if (age.TotalMinutes < 10) return $"{(int)age.TotalMinutes}m{age.Seconds}s";
        if (age.TotalHours < 3) return $"{(int)age.TotalMinutes}m";
        if (age.TotalHours < 48) return age.Minutes == 0 || age.TotalHours >= 8 ? $"{(int)age.TotalHours}h" : $"{(int)age.TotalHours}h{age.Minutes}m";
        return age.TotalDays < 365 * 2 ? $"{(int)age.TotalDays}d" : $"{(int)(age.TotalDays / 365)}y";
    }
}
