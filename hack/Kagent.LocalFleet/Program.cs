using System.Text;
using k8s;
using Kagent.Api.V1Beta1;
using Kagent.Onboarding;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;

namespace Kagent.LocalFleet;

/// <summary>
/// Brings up the local fleet's API servers for hack/local-up.sh: a control plane (karmada-apiserver), the host
/// cluster it would run in, and members, on real kube-apiservers, detached so that they outlive this process,
/// with simulated Ready nodes in each member. Writes admin kubeconfigs, the least-privilege identities Kagent
/// runs as, the servers' process ids and the ports for the Kagent processes.
/// </summary>
public static class Program
{
    /// <summary>The cluster karmada-apiserver and the hub's pods would run in; the hub's host part is checked against it.</summary>
    private const string HostCluster = "host-cluster";

    public static Task<int> Main(string[] args) => args switch
    {
        ["up", var dir, var members, var nodes] when int.TryParse(nodes, out var n) => UpAsync(dir, members, n),
        ["add-member", var dir, var name, var nodes] when int.TryParse(nodes, out var n) => AddMemberAsync(dir, name, n),
        _ => Usage(),
    };

    private static Task<int> Usage()
    {
        Console.Error.WriteLine("usage: kagent-local-fleet up DIR MEMBER[,MEMBER...] NODES-PER-MEMBER\n       kagent-local-fleet add-member DIR NAME NODES");
        return Task.FromResult(2);
    }

    /// <summary>One more member cluster for a running local fleet, with its agent identities; the script starts its agent.</summary>
    private static async Task<int> AddMemberAsync(string dir, string name, int nodes)
    {
        dir = Path.GetFullPath(dir);
        var controlPlaneDir = Path.Combine(dir, "clusters", "karmada");
        if (!File.Exists(Path.Combine(dir, "karmada.kubeconfig"))) throw new InvalidOperationException($"no local fleet in {dir}: run hack/local-up.sh first");
        Progress($"starting member cluster {name}");
        var member = await MemberCluster.StartAsync(EnvtestBinaries.Default,
            new ApiServerOptions { Name = name, WorkDirectory = Path.Combine(dir, "clusters", name), Detached = true, LogDirectory = Path.Combine(dir, "logs") });
        File.WriteAllText(Path.Combine(dir, $"{name}.kubeconfig"), member.Server.AdminKubeconfig());
        File.AppendAllText(Path.Combine(dir, "pids"), string.Concat(member.Server.Pids.Select(pid => $"{pid} {name}-server\n")));
        using (var controlPlane = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(dir, "karmada.kubeconfig"))))
        {
            await controlPlane.EnsureNamespaceAsync($"karmada-es-{name}"); // as Karmada's cluster controller would
        }

        File.WriteAllText(Path.Combine(dir, "identities", $"agent-{name}-member.kubeconfig"), member.Server.KubeconfigFor(Identities.AgentInMember, Identities.ServiceAccountGroups));
        for (var i = 1; i <= nodes; i++) await member.CreateNodeAsync(LocalNode(name, i));
        var key = name.ToUpperInvariant().Replace('-', '_');
        File.AppendAllText(Path.Combine(dir, "ports.env"), $"AGENT_{key}_METRICS_PORT={FreePort.Next()}\nAGENT_{key}_HEALTH_PORT={FreePort.Next()}\n");
        Progress($"{name}: {member.Server.Url} ready with {nodes} simulated Ready nodes");
        return 0;
    }

    /// <summary>A simulated node in one of two zones of region "local", as a cloud's nodes are labelled, so that the agent's discovery shows.</summary>
    private static SimulatedNode LocalNode(string member, int index) => new($"{member}-node-{index}")
    {
        Labels = new Dictionary<string, string> { ["topology.kubernetes.io/region"] = "local", ["topology.kubernetes.io/zone"] = index % 2 == 1 ? "local-a" : "local-b" },
        ProviderId = $"local://{member}/{member}-node-{index}",
    };

    private static async Task<int> UpAsync(string dir, string membersText, int nodes)
    {
        dir = Path.GetFullPath(dir);
        var members = membersText.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var logs = Path.Combine(dir, "logs");
        var identities = Directory.CreateDirectory(Path.Combine(dir, "identities")).FullName;
        if (members.Contains(HostCluster)) throw new InvalidOperationException($"{HostCluster} is the host cluster's name; choose another member name");
        Progress($"starting a control plane, its host cluster and {members.Length} member cluster(s) on real kube-apiservers (logs in {logs})");
        var fleet = await Fleet.StartAsync(Path.Combine(dir, "clusters"), [.. members, HostCluster], detached: true, logDirectory: logs);

        var pids = new StringBuilder();
        foreach (var cluster in new TestCluster[] { fleet.ControlPlane }.Concat(fleet.Members.Values))
        {
            File.WriteAllText(Path.Combine(dir, $"{cluster.Name}.kubeconfig"), cluster.Server.AdminKubeconfig());
            foreach (var pid in cluster.Server.Pids) pids.AppendLine($"{pid} {cluster.Name}-server");
            Progress($"{cluster.Name}: {cluster.Server.Url} ready");
        }

        // The control plane's kube-controller-manager, as Karmada runs one: it signs approved agent certificates
        // (csrsigning), signs cluster-info for each bootstrap token (bootstrapsigner) and removes expired tokens.
        var controllerManager = fleet.ControlPlane.Server.StartControllerManager(["csrsigning", "bootstrapsigner", "tokencleaner"]);
        pids.AppendLine($"{controllerManager.Pid} karmada-controller-manager");
        File.AppendAllText(Path.Combine(dir, "pids"), pids.ToString());
        foreach (var member in members) await fleet.ControlPlane.EnsureExecutionSpaceAsync(member);

        // Each agent's identity in its member (a ServiceAccount's, as config/agent/rbac.yaml binds); in the control
        // plane it gets its own by joining (hack/local-join.sh). The hub's comes from a token of its ServiceAccount,
        // made by hack/local-up.sh as docs/operations.md shows.
        foreach (var member in fleet.Members.Values.Where(m => m.Name != HostCluster))
        {
            File.WriteAllText(Path.Combine(identities, $"agent-{member.Name}-member.kubeconfig"), member.Server.KubeconfigFor(Identities.AgentInMember, Identities.ServiceAccountGroups));
            for (var i = 1; i <= nodes; i++) await member.CreateNodeAsync(LocalNode(member.Name, i));
            Progress($"{member.Name}: {nodes} simulated Ready nodes");
        }

        var env = new StringBuilder();
        env.AppendLine($"HUB_SECURE_PORT={FreePort.Next()}");
        env.AppendLine($"HUB_METRICS_PORT={FreePort.Next()}");
        env.AppendLine($"HUB_HEALTH_PORT={FreePort.Next()}");
        foreach (var member in members)
        {
            var key = member.ToUpperInvariant().Replace('-', '_');
            env.AppendLine($"AGENT_{key}_METRICS_PORT={FreePort.Next()}");
            env.AppendLine($"AGENT_{key}_HEALTH_PORT={FreePort.Next()}");
        }

        File.WriteAllText(Path.Combine(dir, "ports.env"), env.ToString());
        return 0;
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[local-up {DateTime.Now:HH:mm:ss}] {message}");
}
