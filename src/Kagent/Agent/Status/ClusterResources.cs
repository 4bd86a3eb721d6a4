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

/// <summary>Where a cluster's nodes run.</summary>
public sealed record ClusterPlacement(IReadOnlyList<string> Zones, string? Region, string? Provider);

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
    private readonly Dictionary<string, int> _zones = [];
    private readonly Dictionary<string, int> _regions = [];
    private readonly Dictionary<string, int> _providers = [];
    private int _readyNodes;
    private long _version;
    private long _nodesVersion;

    /// <summary>Grows with every change; equal versions mean equal sums.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Grows with every node change only; equal versions mean the same <see cref="Placement"/>.</summary>
    public long NodesVersion => Interlocked.Read(ref _nodesVersion);

    public void OnNode(WatchEvent<SlimNode> change)
    {
        lock (_gate)
        {
            var name = change.Object.Metadata.Name;
            if (_nodes.Remove(name, out var old))
            {
                _allocatable.Add(old.Allocatable, -1);
                if (old.Ready) _readyNodes--;
                CountPlacement(old.Placement, -1);
            }

            if (change.Kind != WatchEventKind.Deleted)
            {
                _nodes[name] = change.Object;
                _allocatable.Add(change.Object.Allocatable);
                if (change.Object.Ready) _readyNodes++;
                CountPlacement(change.Object.Placement, 1);
            }

            Interlocked.Increment(ref _version);
            Interlocked.Increment(ref _nodesVersion);
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

    /// <summary>Where the nodes run: every zone (sorted), and the most common region and provider.</summary>
    public ClusterPlacement Placement()
    {
        lock (_gate)
        {
            return new ClusterPlacement([.. _zones.Keys.Order(StringComparer.Ordinal)], MostCommon(_regions), MostCommon(_providers));
        }
    }

    private void CountPlacement(NodePlacement placement, int sign)
    {
        Count(_zones, placement.Zone, sign);
        Count(_regions, placement.Region, sign);
        Count(_providers, placement.Provider, sign);

        static void Count(Dictionary<string, int> counts, string? value, int sign)
        {
            if (value is null) return;
            var count = counts.GetValueOrDefault(value) + sign;
            if (count > 0) counts[value] = count;
            else counts.Remove(value);
        }
    }

    private static string? MostCommon(Dictionary<string, int> counts) =>
        counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key).FirstOrDefault();

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
