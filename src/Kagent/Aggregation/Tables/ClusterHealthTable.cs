using k8s.Models;
using Kagent.Aggregation.Health;
using Kagent.Aggregation.Requests;
using Kagent.Api.V1Alpha1;

namespace Kagent.Aggregation.Tables;

/// <summary>The columns of `kubectl get clusterhealth` (and, priority 1, of `-o wide`).</summary>
public static class ClusterHealthTable
{
    public static IReadOnlyList<TableColumn> Columns { get; } =
    [
        new("Name", "string", "name", "Name of the Karmada Cluster.", 0),
        new("Ready", "string", "", "True when the heartbeat is fresh and the cluster reports Ready.", 0),
        new("Reason", "string", "", "Why the cluster is (not) ready.", 0),
        new("Heartbeat", "string", "", "Time since the agent last renewed the cluster's heartbeat Lease.", 0),
        new("Version", "string", "", "Kubernetes version of the member cluster.", 0),
        new("Nodes", "string", "", "Ready nodes / all nodes.", 0),
        new("CPU%", "string", "", "CPU requested by pods as a share of allocatable CPU.", 0),
        new("Memory%", "string", "", "Memory requested by pods as a share of allocatable memory.", 0),
        new("Age", "string", "", "Time since the Cluster was created.", 0),
        new("Pods%", "string", "", "Pods as a share of the pods the nodes allow.", 1),
        new("Provider", "string", "", "Cloud provider of the cluster.", 1),
        new("Region", "string", "", "Region of the cluster.", 1),
        new("Zones", "string", "", "Zones of the cluster.", 1),
        new("Mode", "string", "", "Karmada sync mode: Push or Pull.", 1),
        new("Phase", "string", "", "Phase of the cluster's ClusterRegistration.", 1),
        new("Avail(24h)", "string", "", "Time ready as a share of the time observed in the last 24 hours.", 1),
        new("Flaps(24h)", "string", "", "Changes between ready and not ready in the last 24 hours.", 1),
    ];

    public static Table Of(IEnumerable<ClusterHealth> items, V1ListMeta metadata, IncludeObject include, DateTime now, bool withColumns = true) =>
        new(metadata, withColumns ? Columns : [], items.Select(item => Row(item, include, now)).ToList());

    private static TableRow Row(ClusterHealth health, IncludeObject include, DateTime now)
    {
        var s = health.Status;
        object?[] cells =
        [
            health.Metadata.Name,
            s.Ready,
            s.Reason ?? "",
            s.Heartbeat?.AgeSeconds is { } age ? ClusterHealthBuilder.Age(TimeSpan.FromSeconds(age)) : "<none>",
            s.KubernetesVersion ?? "<unknown>",
            s.Nodes is { } nodes ? $"{nodes.Ready}/{nodes.Total}" : "<unknown>",
            Percent(s.Cpu),
            Percent(s.Memory),
            health.Metadata.CreationTimestamp is { } created ? ClusterHealthBuilder.Age(now - created.ToUniversalTime()) : "<unknown>",
            Percent(s.Pods),
            s.Provider ?? "<none>",
            s.Region ?? "<none>",
            s.Zones is { Count: > 0 } zones ? string.Join(",", zones) : "<none>",
            s.SyncMode ?? "<none>",
            s.RegistrationPhase ?? "<none>",
            Day(s.Availability)?.Ratio is { } ratio ? $"{ratio * 100:0.##}%" : "<unknown>",
            Day(s.Availability) is { } day ? day.Transitions.ToString(System.Globalization.CultureInfo.InvariantCulture) : "<unknown>",
        ];
        object? rowObject = include switch
        {
            IncludeObject.Object => health,
            IncludeObject.Metadata => new PartialObjectMetadata(health.Metadata),
            _ => null,
        };
        return new TableRow(cells, rowObject);
    }

    private static AvailabilityWindow? Day(AvailabilityInfo? availability) => availability?.Windows.FirstOrDefault(w => w.Window == "24h");

    private static string Percent(ResourceUsage? usage) => usage?.AllocatedPercent is { } percent ? $"{percent}%" : "<unknown>";
}
