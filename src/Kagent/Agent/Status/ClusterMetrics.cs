using System.Diagnostics.Metrics;
using Kagent.Api.Karmada;
using Kagent.Observability;
using static Kagent.Observability.KagentMetrics;

namespace Kagent.Agent.Status;

/// <summary>
/// karmada-agent's cluster metrics, same names and label (member_cluster), so that dashboards built for it keep
/// working; plus Kagent's own counts of status writes.
/// </summary>
public sealed class ClusterMetrics
{
    /// <summary>prometheus-net's (and client_golang's) default buckets, as karmada-agent's histogram has.</summary>
    private static readonly double[] DefaultBuckets = [.005, .01, .025, .05, .075, .1, .25, .5, .75, 1, 2.5, 5, 7.5, 10];

    private const string Label = "member_cluster";
    private readonly Gauge<double> _ready;
    private readonly Gauge<double> _nodes;
    private readonly Gauge<double> _readyNodes;
    private readonly Gauge<double> _memoryAllocatable;
    private readonly Gauge<double> _cpuAllocatable;
    private readonly Gauge<double> _podAllocatable;
    private readonly Gauge<double> _memoryAllocated;
    private readonly Gauge<double> _cpuAllocated;
    private readonly Gauge<double> _podAllocated;
    private readonly Histogram<double> _syncDuration;
    private readonly Counter<double> _writes;
    private readonly Counter<double> _skipped;

    public ClusterMetrics(KagentMetrics metrics)
    {
        _ready = metrics.Gauge("cluster_ready_state", "State of the cluster (1 if ready, 0 otherwise).", Label);
        _nodes = metrics.Gauge("cluster_node_number", "Number of nodes in the cluster.", Label);
        _readyNodes = metrics.Gauge("cluster_ready_node_number", "Number of ready nodes in the cluster.", Label);
        _memoryAllocatable = metrics.Gauge("cluster_memory_allocatable_bytes", "Allocatable cluster memory resource in bytes.", Label);
        _cpuAllocatable = metrics.Gauge("cluster_cpu_allocatable_number", "Number of allocatable CPU in the cluster.", Label);
        _podAllocatable = metrics.Gauge("cluster_pod_allocatable_number", "Number of allocatable pods in the cluster.", Label);
        _memoryAllocated = metrics.Gauge("cluster_memory_allocated_bytes", "Allocated cluster memory resource in bytes.", Label);
        _cpuAllocated = metrics.Gauge("cluster_cpu_allocated_number", "Number of allocated CPU in the cluster.", Label);
        _podAllocated = metrics.Gauge("cluster_pod_allocated_number", "Number of allocated pods in the cluster.", Label);
        _syncDuration = metrics.Histogram("cluster_sync_status_duration_seconds", "Duration in seconds for syncing the status of the cluster once.", DefaultBuckets, Label);
        _writes = metrics.Counter("kagent_status_writes_total", "Cluster status writes to the control plane.", Label);
        _skipped = metrics.Counter("kagent_status_skipped_writes_total", "Status computations that found nothing changed, so wrote nothing.", Label);
    }

    /// <summary>Zeros from the start, for rates and alerts.</summary>
    public void Publish(string cluster)
    {
        _writes.Add(0, Tag(Label, cluster));
        _skipped.Add(0, Tag(Label, cluster));
    }

    /// <summary>A status round ended: written, or skipped because nothing changed.</summary>
    public void RoundEnded(string cluster, bool written, TimeSpan took)
    {
        (written ? _writes : _skipped).Add(1, Tag(Label, cluster));
        _syncDuration.Record(took.TotalSeconds, Tag(Label, cluster));
    }

    public void Record(string cluster, ClusterStatus status)
    {
        var ready = status.Conditions?.Any(c => c.Type == KarmadaConstants.ConditionReady && c.Status == "True") == true;
        _ready.Record(ready ? 1 : 0, Tag(Label, cluster));
        if (status.NodeSummary is { } nodes)
        {
            _nodes.Record(nodes.TotalNum ?? 0, Tag(Label, cluster));
            _readyNodes.Record(nodes.ReadyNum ?? 0, Tag(Label, cluster));
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

    private static void Set(Gauge<double> gauge, string cluster, IDictionary<string, k8s.Models.ResourceQuantity>? list, string name) =>
        gauge.Record(list is not null && list.TryGetValue(name, out var quantity) ? (double)quantity.ToDecimal() : 0, Tag(Label, cluster));
}
