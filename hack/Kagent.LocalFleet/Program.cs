using System.Text;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;

namespace Kagent.LocalFleet;

/// <summary>
/// Brings up the local fleet's API servers for hack/local-up.sh: a control plane and members on real
/// kube-apiservers, detached so that they outlive this process, with simulated Ready nodes in each member.
/// Writes kubeconfigs, the servers' process ids and the ports the Kagent processes should use.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["up", var dir, var membersText, var nodesText] || !int.TryParse(nodesText, out var nodes))
        {
            Console.Error.WriteLine("usage: kagent-local-fleet up DIR MEMBER[,MEMBER...] NODES-PER-MEMBER");
            return 2;
        }

        dir = Path.GetFullPath(dir);
        var members = membersText.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var logs = Path.Combine(dir, "logs");
        Progress($"starting a control plane and {members.Length} member cluster(s) on real kube-apiservers (logs in {logs})");
        var fleet = await Fleet.StartAsync(Path.Combine(dir, "clusters"), members, detached: true, logDirectory: logs);

        var pids = new StringBuilder();
        foreach (var cluster in new TestCluster[] { fleet.ControlPlane }.Concat(fleet.Members.Values))
        {
            File.WriteAllText(Path.Combine(dir, $"{cluster.Name}.kubeconfig"), cluster.Server.AdminKubeconfig());
            foreach (var pid in cluster.Server.Pids) pids.AppendLine($"{pid} {cluster.Name}-server");
            Progress($"{cluster.Name}: {cluster.Server.Url} ready");
        }

        File.AppendAllText(Path.Combine(dir, "pids"), pids.ToString());

        foreach (var member in fleet.Members.Values)
        {
            for (var i = 1; i <= nodes; i++)
            {
                await member.CreateNodeAsync(new SimulatedNode($"{member.Name}-node-{i}"));
            }

            Progress($"{member.Name}: {nodes} simulated Ready nodes");
        }

        // Ports for the Kagent processes the script starts next.
        var env = new StringBuilder();
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
