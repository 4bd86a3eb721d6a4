using k8s;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.LocalFleet;

/// <summary>The README's first command: hack/local-up.sh brings up a fleet that answers; hack/local-down.sh stops it all.</summary>
public sealed class LocalUpScriptTests
{
    [Fact]
    public async Task Local_up_starts_a_fleet_and_local_down_stops_every_process()
    {
        var root = RepositoryRoot.Find();
        var dir = TestDirectories.NewRoot("local-up");
        var environment = new Dictionary<string, string> { ["KAGENT_LOCAL_DIR"] = dir, ["KAGENT_NODES"] = "2" };
        try
        {
            var up = await RunScriptAsync(Path.Combine(root, "hack/local-up.sh"), environment, TimeSpan.FromMinutes(5));
            Assert.True(up.ExitCode == 0, $"local-up.sh failed:\n{up.Output}");
            Assert.Contains("The local fleet is up", up.Output);

            foreach (var name in new[] { "karmada", "member1", "member2" })
            {
                using var client = Kubeconfig.ClientFrom(Path.Combine(dir, $"{name}.kubeconfig"));
                var namespaces = await client.CoreV1.ListNamespaceAsync();
                Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
            }

            using var karmada = new Kagent.Operator.Client.KubeClient(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(Path.Combine(dir, "karmada.kubeconfig")));
            foreach (var member in new[] { "member1", "member2" })
            {
                var registration = await new Kagent.Operator.Client.EntityClient<Kagent.Api.V1Beta1.ClusterRegistration>(karmada).GetAsync(member);
                Assert.Equal("Registered", registration?.Status.Phase);
                Assert.NotNull(await new Kagent.Operator.Client.EntityClient<Kagent.Api.Karmada.Cluster>(karmada).GetAsync(member));
            }

            // The README's first look at the fleet: kubectl get clusterhealth through the aggregator.
            var health = await Eventually.MatchAsync(() => ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl,
                ["--kubeconfig", Path.Combine(dir, "karmada.kubeconfig"), "get", "clusterhealth"], TimeSpan.FromSeconds(30)),
                r => r.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(r.StandardOutput, @"member1\s+True") && r.StandardOutput.Contains("member2"), TimeSpan.FromSeconds(60), "kubectl get clusterhealth");
            Assert.Matches(@"member1\s+True\s+ClusterReady", health.StandardOutput);

            // kubectl describe lists the readiness Events the hub recorded on the ClusterHealth.
            var described = await Eventually.MatchAsync(() => ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl,
                ["--kubeconfig", Path.Combine(dir, "karmada.kubeconfig"), "describe", "clusterhealth", "member1"], TimeSpan.FromSeconds(30)),
                r => r.ExitCode == 0 && r.StandardOutput.Contains("Events:") && r.StandardOutput.Contains("ClusterReady  "), TimeSpan.FromSeconds(60), "kubectl describe clusterhealth member1 lists Events");
            Assert.Matches(@"Normal\s+ClusterReady\s+.*kagent-hub\s+Ready is True", described.StandardOutput);

            using var member1 = Kubeconfig.ClientFrom(Path.Combine(dir, "member1.kubeconfig"));
            Assert.Equal(2, (await member1.CoreV1.ListNodeAsync()).Items.Count);

            // The README's Work: applied to the control plane, it lands in member1 through member1's agent.
            var applied = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl,
                ["--kubeconfig", Path.Combine(dir, "karmada.kubeconfig"), "apply", "-f", Path.Combine(root, "config/samples/work-nginx.yaml")], TimeSpan.FromSeconds(30));
            Assert.True(applied.ExitCode == 0, applied.Output);
            await Eventually.MatchAsync(() => ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl,
                ["--kubeconfig", Path.Combine(dir, "karmada.kubeconfig"), "get", "works", "-n", "karmada-es-member1"], TimeSpan.FromSeconds(30)),
                r => r.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(r.StandardOutput, @"nginx-7b9c5d8f6c\s+Deployment\s+True"), TimeSpan.FromSeconds(60), "kubectl get works shows the Work applied");
            Assert.Equal(2, (await member1.AppsV1.ReadNamespacedDeploymentAsync("nginx", "shop")).Spec.Replicas);
            foreach (var log in new[] { "kagent-hub.log", "kagent-agent-member1.log", "kagent-agent-member2.log", "karmada-kube-apiserver.log" })
            {
                Assert.True(File.Exists(Path.Combine(dir, "logs", log)), $"missing log {log}");
            }

            // The hub's two-part install: the host part accepted by the host cluster, the bridge in the control plane.
            Assert.Contains("deployment.apps/kagent-hub created (server dry run)", await File.ReadAllTextAsync(Path.Combine(dir, "logs", "host-cluster-dry-run.log")));
            Assert.Equal("ExternalName", (await karmada.CoreV1.ReadNamespacedServiceAsync("kagent-hub", "kagent-system")).Spec.Type);

            // The quickstart: a third member asks to join, waits for approval, registers, and leaves again.
            var added = await RunScriptAsync(Path.Combine(root, "hack/local-member.sh"), environment, TimeSpan.FromMinutes(2), "member3", "1");
            Assert.True(added.ExitCode == 0, $"local-member.sh failed:\n{added.Output}");
            var registrations = new Kagent.Operator.Client.EntityClient<Kagent.Api.V1Beta1.ClusterRegistration>(karmada);
            await Eventually.TrueAsync(async () => (await registrations.GetAsync("member3"))?.Status.Phase == "Pending", TimeSpan.FromSeconds(30), "member3 pending");
            await registrations.MergePatchAsync("member3", new { spec = new { accepted = true } });
            await Eventually.TrueAsync(async () => (await registrations.GetAsync("member3"))?.Status.Phase == "Registered", TimeSpan.FromSeconds(30), "member3 registered");
            await Eventually.MatchAsync(() => ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl,
                ["--kubeconfig", Path.Combine(dir, "karmada.kubeconfig"), "get", "clusterhealth", "member3"], TimeSpan.FromSeconds(30)),
                r => r.ExitCode == 0 && System.Text.RegularExpressions.Regex.IsMatch(r.StandardOutput, @"member3\s+True\s+ClusterReady"), TimeSpan.FromSeconds(60), "kubectl get clusterhealth member3");
            var unregister = await KagentProcess.RunAsync(["agent", "unregister", "--cluster-name", "member3",
                "--karmada-kubeconfig", Path.Combine(dir, "identities", "agent-member3-karmada.kubeconfig")]);
            Assert.True(unregister.ExitCode == 0, unregister.Output);
            Assert.Null(await new Kagent.Operator.Client.EntityClient<Kagent.Api.Karmada.Cluster>(karmada).GetAsync("member3"));

            var pids = File.ReadAllLines(Path.Combine(dir, "pids")).Select(l => int.Parse(l.Split(' ')[0])).ToList();
            // etcd and kube-apiserver for the control plane, the host cluster and three members; the control plane's
            // kube-controller-manager; the hub; three agents.
            Assert.Equal(15, pids.Count);

            var down = await RunScriptAsync(Path.Combine(root, "hack/local-down.sh"), environment, TimeSpan.FromMinutes(1));
            Assert.Equal(0, down.ExitCode);
            Assert.All(pids, pid => Assert.False(IsAlive(pid), $"process {pid} still running after local-down.sh"));
        }
        finally
        {
            await RunScriptAsync(Path.Combine(root, "hack/local-down.sh"), environment, TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>Running, as opposed to gone or exited but not yet reaped (a zombie).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, IDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("bash", [script, .. arguments], timeout, environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
        return (result.ExitCode, result.Output);
    }
}
