using k8s;
using k8s.Models;
using Kagent.Testing.Servers;

namespace Kagent.Testing.Fixtures;

/// <summary>A member cluster: a real kube-apiserver whose Nodes are plain objects with a status the test sets.</summary>
public sealed class MemberCluster : TestCluster
{
    private MemberCluster(ApiServer server) : base(server)
    {
    }

    public static Task<MemberCluster> StartAsync(EnvtestBinaries binaries, ApiServerOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(binaries, options, server => new MemberCluster(server), member => member.EnsureNamespaceAsync("kube-system", cancellationToken), cancellationToken);

    /// <summary>Creates a Node; Nodes accept their status on create, so no kubelet is needed.</summary>
    public Task<V1Node> CreateNodeAsync(SimulatedNode node, CancellationToken cancellationToken = default) =>
        Admin.CoreV1.CreateNodeAsync(node.ToV1Node(), cancellationToken: cancellationToken);

    /// <summary>Sets a node's Ready condition through the status subresource.</summary>
    public async Task SetNodeReadyAsync(string name, bool ready, CancellationToken cancellationToken = default)
    {
        var node = await Admin.CoreV1.ReadNodeAsync(name, cancellationToken: cancellationToken);
        var conditions = node.Status.Conditions ?? [];
        var readyCondition = conditions.FirstOrDefault(c => c.Type == "Ready");
        if (readyCondition is null)
        {
            readyCondition = new V1NodeCondition { Type = "Ready" };
            conditions.Add(readyCondition);
        }

        readyCondition.Status = ready ? "True" : "False";
        readyCondition.Reason = ready ? "KubeletReady" : "KubeletNotReady";
        readyCondition.LastTransitionTime = DateTime.UtcNow;
        node.Status.Conditions = conditions;
        await Admin.CoreV1.ReplaceNodeStatusAsync(node, name, cancellationToken: cancellationToken);
    }

    public async Task<string> KubeSystemUidAsync(CancellationToken cancellationToken = default) =>
        (await Admin.CoreV1.ReadNamespaceAsync("kube-system", cancellationToken: cancellationToken)).Metadata.Uid;
}

/// <summary>A node as a test describes it.</summary>
public sealed record SimulatedNode(string Name, bool Ready = true, string Cpu = "8", string Memory = "32Gi", string Pods = "110")
{
    public IDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The cloud's id of the machine (aws:///eu-west-1a/i-0abc), as a cloud controller sets it.</summary>
    public string? ProviderId { get; init; }

    public V1Node ToV1Node()
    {
        var allocatable = new Dictionary<string, ResourceQuantity>
        {
            ["cpu"] = new(Cpu),
            ["memory"] = new(Memory),
            ["pods"] = new(Pods),
        };
        return new V1Node
        {
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                Labels = new Dictionary<string, string>(Labels) { ["kubernetes.io/hostname"] = Name },
            },
            Spec = ProviderId is null ? null : new V1NodeSpec { ProviderID = ProviderId },
            Status = new V1NodeStatus
            {
                Capacity = new Dictionary<string, ResourceQuantity>(allocatable),
                Allocatable = allocatable,
                Conditions =
                [
                    new V1NodeCondition
                    {
                        Type = "Ready",
                        Status = Ready ? "True" : "False",
                        Reason = Ready ? "KubeletReady" : "KubeletNotReady",
                        LastTransitionTime = DateTime.UtcNow,
                        LastHeartbeatTime = DateTime.UtcNow,
                    },
                ],
                NodeInfo = new V1NodeSystemInfo
                {
                    KubeletVersion = "v1.20.2",
                    Architecture = "amd64",
                    OperatingSystem = "linux",
                    OsImage = "simulated",
                    KernelVersion = "simulated",
                    ContainerRuntimeVersion = "simulated://1.0",
                    KubeProxyVersion = "v1.20.2",
                    MachineID = Name,
                    SystemUUID = Name,
                    BootID = Name,
                },
            },
        };
    }
}
