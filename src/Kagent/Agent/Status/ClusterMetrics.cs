using Kagent.Api.Karmada;
using Kagent.Observability;
using Prometheus;

namespace Kagent.Agent.Status;

/// <summary>
/// karmada-agent's cluster metrics, same names and label (member_cluster), so that dashboards built for it keep
/// working; plus Kagent's own counts of status writes.
/// </summary>
public sealed class ClusterMetrics
{
    private readonly Gauge _ready;
    private readonly Gauge _nodes;
    private readonly Gauge _readyNodes;
    private readonly Gauge _memoryAllocatable;
    private readonly Gauge _cpuAllocatable;
    private readonly Gauge _podAllocatable;
    private readonly Gauge _memoryAllocated;
    private readonly Gauge _cpuAllocated;
    private readonly Gauge _podAllocated;

    public ClusterMetrics(KagentMetrics metrics)
    {
        var factory = metrics.Factory;
        string[] label = ["member_cluster"];
        _ready = factory.CreateGauge("cluster_ready_state", "State of the cluster (1 if ready, 0 otherwise).", label);
        _nodes = factory.CreateGauge("cluster_node_number", "Number of nodes in the cluster.", label);
        _readyNodes = factory.CreateGauge("cluster_ready_node_number", "Number of ready nodes in the cluster.", label);
        _memoryAllocatable = factory.CreateGauge("cluster_memory_allocatable_bytes", "Allocatable cluster memory resource in bytes.", label);
        _cpuAllocatable = factory.CreateGauge("cluster_cpu_allocatable_number", "Number of allocatable CPU in the cluster.", label);
        _podAllocatable = factory.CreateGauge("cluster_pod_allocatable_number", "Number of allocatable pods in the cluster.", label);
        _memoryAllocated = factory.CreateGauge("cluster_memory_allocated_bytes", "Allocated cluster memory resource in bytes.", label);
        _cpuAllocated = factory.CreateGauge("cluster_cpu_allocated_number", "Number of allocated CPU in the cluster.", label);
        _podAllocated = factory.CreateGauge("cluster_pod_allocated_number", "Number of allocated pods in the cluster.", label);
        SyncDuration = factory.CreateHistogram("cluster_sync_status_duration_seconds", "Duration in seconds for syncing the status of the cluster once.", label);
        StatusWrites = factory.CreateCounter("kagent_status_writes_total", "Cluster status writes to the control plane.", label);
        SkippedWrites = factory.CreateCounter("kagent_status_skipped_writes_total", "Status computations that found nothing changed, so wrote nothing.", label);
    }

    public Histogram SyncDuration { get; }

    public Counter StatusWrites { get; }

    public Counter SkippedWrites { get; }

    public void Record(string cluster, ClusterStatus status)
    {
        var ready = status.Conditions?.Any(c => c.Type == KarmadaConstants.ConditionReady && c.Status == "True") == true;
        _ready.WithLabels(cluster).Set(ready ? 1 : 0);
        if (status.NodeSummary is { } nodes)
        {
            _nodes.WithLabels(cluster).Set(nodes.TotalNum ?? 0);
            _readyNodes.WithLabels(cluster).Set(nodes.ReadyNum ?? 0);
        }

        if (status.ResourceSummary is { } resources)
        {
            Set(_memoryAllocatable, cluster, resources.Allocatable, ResourceAmounts.Memory);
            Set(_cpuAllocatable, cluster, resources.Allocatable, ResourceAmounts.Cpu);
            Set(_podAllocatable, cluster, resources.Allocatable, ResourceAmounts.Pods);
            Set(_memoryAllocated, cluster, resources.Allocated, ResourceAmounts.Memory);
            Set(_cpuAllocated, cluster, resources.Allocated, ResourceAmounts.Cpu);
            Set(_podAllocated, cluster, resources.Allocated, ResourceAmounts.Pods);
        }
    }

    private static void Set(Gauge gauge, string cluster, IDictionary<string, k8s.Models.ResourceQuantity>? list, string name) =>
        gauge.WithLabels(cluster).Set(list is not null && list.TryGetValue(name, out var quantity) ? (double)quantity.ToDecimal() : 0);
}
