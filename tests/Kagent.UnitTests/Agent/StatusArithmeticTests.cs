using k8s.Models;
using Kagent.Agent.Status;
using Kagent.Api.Karmada;
using Kagent.Operator.Cache;
using Xunit;

namespace Kagent.UnitTests.Agent;

/// <summary>Karmada's resource arithmetic and model grading, by hand-computed examples.</summary>
public sealed class StatusArithmeticTests
{
    private static Dictionary<string, ResourceQuantity> Resources(string cpu, string memory) => new() { ["cpu"] = new(cpu), ["memory"] = new(memory) };

    [Fact]
    public void Pod_requests_sum_containers_take_the_max_with_init_containers_and_add_overhead_and_one_pod()
    {
        var spec = new SlimPodSpec
        {
            Containers = [new SlimContainer { Resources = new SlimResources { Requests = Resources("1", "2Gi") } }, new SlimContainer { Resources = new SlimResources { Requests = Resources("500m", "1Gi") } }],
            InitContainers = [new SlimContainer { Resources = new SlimResources { Requests = Resources("2", "1Gi") } }],
            Overhead = Resources("100m", "100Mi"),
        };
        var requests = PodRequests.Of(spec);
        Assert.Equal(2.1m, requests.CpuCores);                           // max(1.5, 2) + 0.1
        Assert.Equal((3L << 30) + (100L << 20), requests.MemoryBytes);   // max(3Gi, 1Gi) + 100Mi
        Assert.Equal(1, requests.PodCount);
        Assert.Equal("2100m", requests.ToResourceList()["cpu"].ToString());
    }

    [Fact]
    public void Sums_follow_karmadas_rules_for_allocating_allocated_and_terminal_pods()
    {
        var resources = new ClusterResources();
        resources.OnNode(Added(Node("n1", "4", "16Gi", ready: true)));
        resources.OnNode(Added(Node("n2", "8", "32Gi", ready: false)));
        var running = Pod("a", "n1", "Running", "1", "1Gi");
        resources.OnPod(Added(running));
        resources.OnPod(Added(Pod("pending", null, "Pending", "250m", "256Mi")));
        resources.OnPod(Added(Pod("done", "n2", "Succeeded", "3", "3Gi")));

        var snapshot = resources.Snapshot();
        Assert.Equal((2, 1), (snapshot.Nodes, snapshot.ReadyNodes));
        Assert.Equal(12, snapshot.Allocatable.CpuCores);
        Assert.Equal((1m, 1L << 30, 1m), (snapshot.Allocated.CpuCores, (long)snapshot.Allocated.MemoryBytes, snapshot.Allocated.PodCount));
        Assert.Equal((0.25m, 256L << 20, 1m), (snapshot.Allocating.CpuCores, (long)snapshot.Allocating.MemoryBytes, snapshot.Allocating.PodCount));

        // Updates replace a pod's contribution; deletions remove it.
        var finished = Pod("a", "n1", "Succeeded", "1", "1Gi");
        resources.OnPod(new WatchEvent<SlimPod>(WatchEventKind.Modified, finished, running));
        Assert.True(resources.Snapshot().Allocated.IsZero);
        resources.OnNode(new WatchEvent<SlimNode>(WatchEventKind.Deleted, Node("n2", "8", "32Gi", false), null));
        Assert.Equal(4, resources.Snapshot().Allocatable.CpuCores);
    }

    [Fact]
    public void Nodes_are_graded_on_what_they_have_free_and_a_full_node_does_not_stop_the_count()
    {
        // Free on n1: 2 cpu, 13Gi -> cpu grade 2, memory grade 1 -> grade 1.
        // Free on n2: 7 cpu, 31Gi -> cpu grade 3, memory grade 2 -> grade 2.
        // n3 has no room for another pod: counted in no grade, and n4 after it still counts (grade 8: 200 cpu, 2Ti).
        var available = new[] { Free("2", "13Gi", "10"), Free("7", "31Gi", "10"), Free("16", "64Gi", "0"), Free("200", "2Ti", "10") };
        var grades = ResourceModels.Grade(null, available);
        Assert.Equal(9, grades.Count);
        Assert.Equal([0, 1, 1, 0, 0, 0, 0, 0, 1], grades.Select(g => g.Count));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (uint)i), grades.Select(g => g.Grade));
    }

    [Fact]
    public void Custom_models_from_the_cluster_spec_are_used()
    {
        IReadOnlyList<ResourceModel> models =
        [
            new ResourceModel { Grade = 0, Ranges = [new ResourceModelRange { Name = "cpu", Min = new("0"), Max = new("4") }] },
            new ResourceModel { Grade = 1, Ranges = [new ResourceModelRange { Name = "cpu", Min = new("4"), Max = new("9223372036854775807") }] },
        ];
        var grades = ResourceModels.Grade(models, [Free("3", "1Gi", "1"), Free("4", "1Gi", "1"), Free("100", "1Gi", "1")]);
        Assert.Equal([1, 2], grades.Select(g => g.Count));
    }

    [Fact]
    public void Cached_pods_keep_their_identity_and_pods_that_ask_alike_share_one_read_only_set_of_requests()
    {
        var pool = new CompactionPool();
        var a = Pod("a", "n1", "Running", "100m", "128Mi", pool);
        var b = Pod("b", "n1", "Running", "100m", "128Mi", pool);
        var other = Pod("c", "n1", "Running", "200m", "128Mi", pool);

        Assert.Equal(("a", "default", "7"), (a.Metadata.Name, a.Metadata.NamespaceProperty, a.Metadata.ResourceVersion));
        Assert.Equal("default/b", ObjectKey.Of(b));
        Assert.Same(a.Metadata.NamespaceProperty, b.Metadata.NamespaceProperty);
        Assert.Same(a.Requests, b.Requests);
        Assert.NotSame(a.Requests, other.Requests);
        Assert.Equal(2, pool.SharedAmounts);
        Assert.Throws<InvalidOperationException>(() => a.Requests.Set(ResourceAmounts.Cpu, 1));

        // Extended resources make a request set unusual: kept per pod, and read-only as well.
        var gpu = new SlimPod
        {
            Metadata = new V1ObjectMeta { Name = "gpu", NamespaceProperty = "default" },
            Spec = new SlimPodSpec { Containers = [new SlimContainer { Resources = new SlimResources { Requests = new() { ["nvidia.com/gpu"] = new("1") } } }] },
        }.Compact(pool);
        Assert.Equal(1, gpu.Requests["nvidia.com/gpu"]);
        Assert.Equal(2, pool.SharedAmounts);
        Assert.Throws<InvalidOperationException>(() => gpu.Requests.Set("nvidia.com/gpu", 2));
    }

    [Fact]
    public void A_full_pool_starts_over_and_pods_keep_the_instances_they_hold()
    {
        var pool = new CompactionPool(stringCapacity: 2, amountsCapacity: 1);
        var first = Pod("a", "node-1", "Running", "1", "1Gi", pool);
        Pod("b", "node-2", "Running", "2", "1Gi", pool);
        Pod("c", "node-3", "Running", "1", "1Gi", pool);

        Assert.True(pool.SharedStrings <= 2);
        Assert.Equal(1, pool.SharedAmounts);
        Assert.Equal(("node-1", 1m), (first.NodeName, first.Requests.CpuCores));
    }

    private static ResourceAmounts Free(string cpu, string memory, string pods) =>
        ResourceAmounts.From(new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory), ["pods"] = new(pods) });

    private static WatchEvent<T> Added<T>(T obj) where T : class => new(WatchEventKind.Added, obj, null);

    private static SlimNode Node(string name, string cpu, string memory, bool ready) => new SlimNode
    {
        Metadata = new V1ObjectMeta { Name = name },
        Status = new SlimNodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity>(Resources(cpu, memory)) { ["pods"] = new("110") },
            Conditions = [new SlimCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    }.Compact();

    private static SlimPod Pod(string name, string? node, string phase, string cpu, string memory, CompactionPool? pool = null) => new SlimPod
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = new string("default".AsSpan()), ResourceVersion = "7" },
        Spec = new SlimPodSpec { NodeName = node, Containers = [new SlimContainer { Resources = new SlimResources { Requests = Resources(cpu, memory) } }] },
        Status = new SlimPodStatus { Phase = phase },
    }.Compact(pool ?? new CompactionPool());
}
