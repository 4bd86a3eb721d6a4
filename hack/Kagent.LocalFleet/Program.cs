using System.Net;
using System.Text;
using k8s;
using Kagent.Api.V1Alpha1;
using Kagent.Onboarding;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;

namespace Kagent.LocalFleet;

/// <summary>
/// Brings up the local fleet's API servers for hack/local-up.sh: a control plane and members on real
/// kube-apiservers, detached so that they outlive this process, with simulated Ready nodes in each member.
/// Writes admin kubeconfigs, the least-privilege identities Kagent runs as, the hub's serving certificate,
/// the onboarding webhook configuration, the servers' process ids and the ports for the Kagent processes.
/// </summary>
public static class Program
{
    private const string HubUser = "system:serviceaccount:kagent-system:kagent-hub";
    private const string AgentServiceAccount = "system:serviceaccount:kagent-system:kagent-agent";
    private static readonly string[] ServiceAccountGroups = ["system:serviceaccounts", "system:serviceaccounts:kagent-system"];

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
        var identities = Directory.CreateDirectory(Path.Combine(dir, "identities")).FullName;
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
        await fleet.ControlPlane.EnsureNamespaceAsync("kagent-system");

        // Identities: the hub as its ServiceAccount, each agent as system:kagent:agent:<cluster> (control plane)
        // and as its ServiceAccount (member); config/rbac and config/agent/rbac.yaml grant what they need.
        File.WriteAllText(Path.Combine(identities, "hub.kubeconfig"), fleet.ControlPlane.Server.KubeconfigFor(HubUser, ServiceAccountGroups));
        foreach (var member in fleet.Members.Values)
        {
            File.WriteAllText(Path.Combine(identities, $"agent-{member.Name}-karmada.kubeconfig"),
                fleet.ControlPlane.Server.KubeconfigFor(OnboardingConstants.AgentUserFor(member.Name), OnboardingConstants.AgentGroup));
            File.WriteAllText(Path.Combine(identities, $"agent-{member.Name}-member.kubeconfig"), member.Server.KubeconfigFor(AgentServiceAccount, ServiceAccountGroups));
            for (var i = 1; i <= nodes; i++) await member.CreateNodeAsync(new SimulatedNode($"{member.Name}-node-{i}"));
            Progress($"{member.Name}: {nodes} simulated Ready nodes");
        }

        // The hub's serving certificate, and the webhook configuration that sends admission to it.
        var pki = Directory.CreateDirectory(Path.Combine(dir, "pki")).FullName;
        var ca = CertificateAuthority.Create("kagent-hub-ca");
        ca.Pem.WriteTo(Path.Combine(pki, "hub-ca.crt"), Path.Combine(pki, "hub-ca.key"));
        ca.IssueServing("kagent-hub", ["localhost"], [IPAddress.Loopback]).WriteTo(Path.Combine(pki, "hub.crt"), Path.Combine(pki, "hub.key"));
        var hubSecurePort = FreePort.Next();
        await fleet.ControlPlane.Admin.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(
            WebhookConfigurations.Onboarding(WebhookConfigurations.ViaUrl($"https://127.0.0.1:{hubSecurePort}", Encoding.UTF8.GetBytes(ca.CertificatePem))));
        Progress($"onboarding webhook registered at https://127.0.0.1:{hubSecurePort}");

        var env = new StringBuilder();
        env.AppendLine($"HUB_SECURE_PORT={hubSecurePort}");
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
