using System.Globalization;
using k8s.Models;
using Kagent.Api.ClusterInventory;
using Kagent.Api.Karmada;

namespace Kagent.Inventory;

/// <summary>
/// What a Karmada Cluster looks like as a ClusterProfile: the `ControlPlaneHealthy` condition mirrors Karmada's
/// `Ready` (status, reason, message and transition time), the version is the member's, and the properties carry the
/// cluster's id (KEP-2149) and what Kagent reports about it. A property keeps its lastObservedTime while its value
/// stays the same, so that an unchanged cluster means an unchanged profile and no write.
/// </summary>
public static class ClusterProfiles
{
    public const string PropertyPrefix = "kagent.io/";

    /// <summary>The name of the access provider a consumer configures its credential plugin under.</summary>
    public const string AccessProviderName = "kagent";

    public static ClusterProfile New(Cluster cluster, ClusterProfileOptions options) => new()
    {
        ApiVersion = $"{ClusterProfile.Group}/{ClusterProfile.Version}",
        Kind = "ClusterProfile",
        Metadata = new V1ObjectMeta
        {
            Name = cluster.Metadata.Name,
            NamespaceProperty = options.Namespace,
            Labels = new Dictionary<string, string> { [ClusterProfile.ClusterManagerLabel] = options.ClusterManager },
        },
        Spec = new ClusterProfileSpec { DisplayName = cluster.Metadata.Name, ClusterManager = new ClusterManager { Name = options.ClusterManager } },
    };

    /// <summary>The status the profile should have, given the one it has (for the properties' lastObservedTime).</summary>
    public static ClusterProfileStatus Status(Cluster cluster, ClusterProfileStatus? current, DateTime now)
    {
        var ready = cluster.Status?.Conditions?.FirstOrDefault(c => c.Type == KarmadaConstants.ConditionReady);
        var healthy = ready is null
            ? new V1Condition
            {
                Type = ClusterProfile.ConditionControlPlaneHealthy, Status = "Unknown", Reason = "NoReadyCondition",
                Message = "the Karmada Cluster has no Ready condition yet",
                LastTransitionTime = Previous(current)?.Status == "Unknown" ? Previous(current)!.LastTransitionTime : now,
            }
            : new V1Condition
            {
                Type = ClusterProfile.ConditionControlPlaneHealthy, Status = ready.Status, Reason = ready.Reason,
                Message = string.IsNullOrEmpty(ready.Message) ? $"Karmada Cluster Ready is {ready.Status}" : ready.Message,
                LastTransitionTime = ready.LastTransitionTime == default ? now : ready.LastTransitionTime,
            };
        var kubernetes = cluster.Status?.KubernetesVersion;
        return new ClusterProfileStatus
        {
            // Other writers' conditions stay; ControlPlaneHealthy is this publisher's.
            Conditions = [.. current?.Conditions?.Where(c => c.Type != ClusterProfile.ConditionControlPlaneHealthy) ?? [], healthy],
            Version = string.IsNullOrEmpty(kubernetes) ? null : new ClusterVersion { Kubernetes = kubernetes },
            Properties = Properties(cluster, current, now),
            AccessProviders = string.IsNullOrEmpty(cluster.Spec.ApiEndpoint) ? current?.AccessProviders : [AccessProvider(cluster)],
        };
    }

    /// <summary>
    /// Where the member's API server is, never credentials: consumers map the provider name to a credential plugin
    /// of their own, which gets the cluster's name through the exec extension.
    /// </summary>
    public static AccessProvider AccessProvider(Cluster cluster) => new()
    {
        Name = AccessProviderName,
        Cluster = new AccessCluster
        {
            Server = cluster.Spec.ApiEndpoint!,
            ProxyUrl = NullIfEmpty(cluster.Spec.ProxyUrl),
            Extensions = [new NamedExtension { Name = NamedExtension.ExecExtensionName, Extension = new System.Text.Json.Nodes.JsonObject { ["clusterName"] = cluster.Metadata.Name } }],
        },
    };

    private static List<ClusterProfileProperty> Properties(Cluster cluster, ClusterProfileStatus? current, DateTime now)
    {
        var values = new List<(string Name, string? Value)>
        {
            (ClusterProfile.PropertyClusterId, cluster.Spec.Id),
            (PropertyPrefix + "sync-mode", cluster.Spec.SyncMode),
            (PropertyPrefix + "provider", cluster.Spec.Provider),
            (PropertyPrefix + "region", cluster.Spec.Region),
            (PropertyPrefix + "zones", cluster.Spec.Zones is { Count: > 0 } zones ? string.Join(",", zones) : cluster.Spec.Zone),
            (PropertyPrefix + "nodes", cluster.Status?.NodeSummary?.TotalNum?.ToString(CultureInfo.InvariantCulture)),
            (PropertyPrefix + "ready-nodes", cluster.Status?.NodeSummary?.ReadyNum?.ToString(CultureInfo.InvariantCulture)),
            (PropertyPrefix + "allocatable-cpu", Allocatable(cluster, "cpu")),
            (PropertyPrefix + "allocatable-memory", Allocatable(cluster, "memory")),
            (PropertyPrefix + "allocatable-pods", Allocatable(cluster, "pods")),
        };
        var kept = current?.Properties?.Where(p => !values.Any(v => v.Name == p.Name)) ?? [];
        return
        [
            .. kept,
            .. values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => new ClusterProfileProperty
            {
                Name = v.Name,
                Value = v.Value!.Length <= 1024 ? v.Value : v.Value[..1024],
                LastObservedTime = current?.Properties?.FirstOrDefault(p => p.Name == v.Name) is { } seen && seen.Value == v.Value ? seen.LastObservedTime : now,
            }),
        ];
    }

    private static string? Allocatable(Cluster cluster, string resource) =>
        cluster.Status?.ResourceSummary?.Allocatable is { } allocatable && allocatable.TryGetValue(resource, out var quantity) ? quantity.ToString() : null;

    private static V1Condition? Previous(ClusterProfileStatus? current) =>
        current?.Conditions?.FirstOrDefault(c => c.Type == ClusterProfile.ConditionControlPlaneHealthy);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
