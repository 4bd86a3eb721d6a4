using Kagent.Api.Karmada;
using Kagent.Operator.Cache;

namespace Kagent.Agent.Status;

/// <summary>What the status needs of nodes and pods, at one moment.</summary>
public sealed record ResourceSnapshot(
    int Nodes,
    int ReadyNodes,
    ResourceAmounts Allocatable,
    ResourceAmounts Allocating,
    ResourceAmounts Allocated,
    IReadOnlyList<ResourceAmounts> AvailablePerNode);

/// <summary>
/// Node and pod sums kept up to date event by event: each change subtracts the object's old contribution and
/// adds its new one, so nothing is recomputed from all pods and nothing is re-listed on a timer.
/// </summary>
public sealed class ClusterResources
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SlimNode> _nodes = [];
    private readonly Dictionary<string, ResourceAmounts> _requestedByNode = [];
    private readonly ResourceAmounts _allocatable = new();
    private readonly ResourceAmounts _allocating = new();
    private readonly ResourceAmounts _allocated = new();
    private int _readyNodes;
    private long _version;

    /// <summary>Grows with every change; equal versions mean equal sums.</summary>
    public long Version => Interlocked.Read(ref _version);

    public void OnNode(WatchEvent<SlimNode> change)
    {
        lock (_gate)
        {
            var name = change.Object.Metadata.Name;
            if (_nodes.Remove(name, out var old))
            {
                _allocatable.Add(old.Allocatable, -1);
                if (old.Ready) _readyNodes--;
            }

            if (change.Kind != WatchEventKind.Deleted)
            {
                _nodes[name] = change.Object;
                _allocatable.Add(change.Object.Allocatable);
                if (change.Object.Ready) _readyNodes++;
            }

            Interlocked.Increment(ref _version);
        }
    }

    public void OnPod(WatchEvent<SlimPod> change)
    {
        lock (_gate)
        {
            if (change.Old is { } old) Count(old, -1);
            if (change.Kind != WatchEventKind.Deleted) Count(change.Object, 1);
            Interlocked.Increment(ref _version);
        }
    }

    public ResourceSnapshot Snapshot()
    {
        lock (_gate)
        {
            var available = _nodes.Select(node =>
            {
                var free = new ResourceAmounts();
                free.Add(node.Value.Allocatable);
                if (_requestedByNode.TryGetValue(node.Key, out var requested)) free.Add(requested, -1);
                return free;
            }).ToList();
            return new ResourceSnapshot(_nodes.Count, _readyNodes, Copy(_allocatable), Copy(_allocating), Copy(_allocated), available);
        }
    }

    /// <summary>Karmada's rules: pods without a node are allocating (any phase); pods on a node that are not finished are allocated.</summary>
    private void Count(SlimPod pod, int sign)
    {
        if (pod.NodeName is null)
        {
            _allocating.Add(pod.Requests, sign);
            return;
        }

        if (pod.Terminal) return;
        _allocated.Add(pod.Requests, sign);
        if (!_requestedByNode.TryGetValue(pod.NodeName, out var onNode)) _requestedByNode[pod.NodeName] = onNode = new ResourceAmounts();
        onNode.Add(pod.Requests, sign);
        if (onNode.IsZero) _requestedByNode.Remove(pod.NodeName);
    }

    private static ResourceAmounts Copy(ResourceAmounts amounts)
    {
        var copy = new ResourceAmounts();
        copy.Add(amounts);
        return copy;
    }
}

/// <summary>Karmada's resource models: nodes graded by what they still have free.</summary>
public static class ResourceModels
{
    private static readonly decimal GiB = 1024m * 1024 * 1024;

    /// <summary>Karmada's nine default grades (cpu cores / memory GiB), used when Cluster.spec.resourceModels is empty.</summary>
    public static IReadOnlyList<ResourceModel> Defaults { get; } = Build(
        (0, 1, 0, 4), (1, 2, 4, 16), (2, 4, 16, 32), (4, 8, 32, 64), (8, 16, 64, 128),
        (16, 32, 128, 256), (32, 64, 256, 512), (64, 128, 512, 1024), (128, long.MaxValue, 1024, long.MaxValue));

    /// <summary>
    /// One entry per grade: how many nodes have that grade. A node's grade for a resource is the highest grade whose
    /// minimum it reaches; its overall grade is the lowest across the model's resources. Nodes that cannot take
    /// another pod count in no grade, and unlike Karmada a full node does not stop the counting of the others.
    /// </summary>
    public static List<AllocatableModeling> Grade(IReadOnlyList<ResourceModel>? models, IReadOnlyList<ResourceAmounts> availablePerNode)
    {
        var sorted = (models is { Count: > 0 } ? models : Defaults).OrderBy(m => m.Grade).ToList();
        var counts = new int[sorted.Count];
        foreach (var available in availablePerNode)
        {
            if (available.PodCount <= 0) continue;
            var grade = sorted.Count - 1;
            foreach (var resource in sorted[0].Ranges.Select(r => r.Name))
            {
                var amount = available[resource];
                var highest = 0;
                for (var i = 0; i < sorted.Count; i++)
                {
                    var range = sorted[i].Ranges.FirstOrDefault(r => r.Name == resource);
                    if (range is not null && range.Min.ToDecimal() <= amount) highest = i;
                }

                grade = Math.Min(grade, highest);
            }

            counts[grade]++;
        }

        return sorted.Select((model, i) => new AllocatableModeling { Grade = model.Grade, Count = counts[i] }).ToList();
    }

    private static IReadOnlyList<ResourceModel> Build(params (long CpuMin, long CpuMax, long MemMin, long MemMax)[] grades) =>
        grades.Select((g, i) => new ResourceModel
        {
            Grade = (uint)i,
            Ranges =
            [
                new ResourceModelRange { Name = ResourceAmounts.Cpu, Min = new(g.CpuMin.ToString()), Max = new(g.CpuMax.ToString()) },
                new ResourceModelRange
                {
                    Name = ResourceAmounts.Memory,
                    Min = new k8s.Models.ResourceQuantity(g.MemMin * GiB, 0, k8s.Models.ResourceQuantity.SuffixFormat.BinarySI),
                    Max = g.MemMax == long.MaxValue ? new(long.MaxValue.ToString()) : new k8s.Models.ResourceQuantity(g.MemMax * GiB, 0, k8s.Models.ResourceQuantity.SuffixFormat.BinarySI),
                },
            ],
        }).ToList();
}
