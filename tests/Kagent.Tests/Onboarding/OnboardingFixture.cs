using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Onboarding;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Metrics;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// A fleet of its own (onboarding webhooks apply cluster-wide) with a real `kagent hub` process that runs as the
/// ServiceAccount config/rbac binds, reached by kube-apiserver through a ValidatingWebhookConfiguration.
/// Agents run as system:karmada:agent:&lt;cluster&gt; in the control plane and as the config/agent ServiceAccount in members.
/// </summary>
public sealed class OnboardingFixture : IAsyncLifetime
{
    private readonly string _name;
    private readonly IReadOnlyList<string> _members;
    private readonly IReadOnlyList<string> _auditedUsers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ServerProcess, int> _agentMetricsPorts = new();
    private ServerProcess? _hub;
    private string[] _hubArguments = [];
    private int _hubStarts;

    public OnboardingFixture()
        : this("onboarding", ["member1", "member2", "member3", "member4"])
    {
    }

    /// <summary>A fleet of other members, for a test that needs one of its own (it stops the control plane, say).</summary>
    /// <param name="auditedUsers">users whose control-plane requests go to the audit log (<see cref="ApiServer.AuditLogPath"/>)</param>
    internal OnboardingFixture(string name, IReadOnlyList<string> members, IReadOnlyList<string>? auditedUsers = null)
    {
        _name = name;
        _members = members;
        _auditedUsers = auditedUsers ?? [];
    }

    public Fleet Fleet { get; private set; } = null!;

    public ControlPlane ControlPlane => Fleet.ControlPlane;

    /// <summary>The log of the running hub process (each restart writes a new one).</summary>
    public string HubLog => Path.Combine(Fleet.Root, _hubStarts <= 1 ? "kagent-hub.log" : $"kagent-hub-{_hubStarts}.log");

    public EntityClient<ClusterRegistration> Registrations => new(ControlPlane.Admin);

    public async Task InitializeAsync()
    {
        Fleet = await Fleet.StartAsync(TestDirectories.NewRoot(_name), _members, auditedControlPlaneUsers: _auditedUsers);
        await ControlPlane.EnsureNamespaceAsync("kagent-system");
        await KubectlApplyAsync(ControlPlane, "config/rbac");
        foreach (var member in Fleet.Members.Values)
        {
            await KubectlApplyAsync(member, "config/agent/rbac.yaml");
            await KubectlApplyAsync(member, "config/agent/work_rbac.yaml");
        }

        await KubectlApplyAsync(ControlPlane, "config/apiservice/viewer_role.yaml");

        var ca = CertificateAuthority.Create("kagent-hub-ca");
        HubCa = ca;
        var serving = ca.IssueServing("kagent-hub", ["localhost", HubApiService.ServiceDnsName], [IPAddress.Loopback]);
        var dir = Fleet.Root;
        serving.WriteTo(Path.Combine(dir, "hub.crt"), Path.Combine(dir, "hub.key"));
        var hubKubeconfig = Path.Combine(dir, "hub.kubeconfig");
        await File.WriteAllTextAsync(hubKubeconfig, ControlPlane.Server.KubeconfigFor(Identities.Hub, Identities.ServiceAccountGroups));
        var port = FreePort.Next();
        HubPort = port;
        HubMetricsPort = FreePort.Next();
        _hubArguments =
        [
            "hub", "--karmada-kubeconfig", hubKubeconfig, "--bind-address", "127.0.0.1", "--secure-port", port.ToString(),
            "--tls-cert-file", Path.Combine(dir, "hub.crt"), "--tls-private-key-file", Path.Combine(dir, "hub.key"),
            "--metrics-bind-address", $"127.0.0.1:{HubMetricsPort}", "--health-probe-bind-address", "0", "--log-format", "text",
        ];
        StartHub();

        await ControlPlane.Admin.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(
            WebhookConfigurations.Onboarding(WebhookConfigurations.ViaUrl($"https://127.0.0.1:{port}", Encoding.UTF8.GetBytes(ca.CertificatePem))));

        // The webhook is in effect once an invalid registration is refused by it.
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await Registrations.CreateAsync(new ClusterRegistration { Metadata = new V1ObjectMeta { Name = "probe" }, Spec = new ClusterRegistrationSpec { ApiEndpoint = "http://probe" } });
                await Registrations.DeleteAsync("probe");
                return false;
            }
            catch (HttpOperationException e) when (e.Response.Content.Contains("spec.apiEndpoint"))
            {
                return true;
            }
        }, TimeSpan.FromSeconds(60), () => "onboarding webhook in effect\n" + HubLogTail());

        await RegisterApiServiceAsync();
    }

    public int HubPort { get; private set; }

    /// <summary>Kills the hub process (as a crash or an eviction would).</summary>
    public void KillHub()
    {
        _hub?.Kill();
        _hub?.Dispose();
        _hub = null;
    }

    /// <summary>Starts the hub again on the same port; done when the APIService is Available again.</summary>
    public async Task StartHubAgainAsync()
    {
        StartHub();
        await HubApiService.WaitAvailableAsync(ControlPlane.Admin, TimeSpan.FromSeconds(90), HubLogTail);
    }

    private void StartHub()
    {
        _hubStarts++;
        _hub = KagentProcess.Start("kagent-hub", _hubArguments, HubLog);
    }

    /// <summary>The hub's Prometheus /metrics port.</summary>
    public int HubMetricsPort { get; private set; }

    public CertificateAuthority HubCa { get; private set; } = null!;

    /// <summary>The hub's TLS endpoint, reached directly (not through kube-apiserver).</summary>
    public string HubUrl => $"https://127.0.0.1:{HubPort}";

    /// <summary>
    /// The APIService v1alpha1.kagent.io as config/apiservice has it, but through an ExternalName Service to this
    /// machine's hub process; done when kube-apiserver reports it Available.
    /// </summary>
    private async Task RegisterApiServiceAsync()
    {
        await HubApiService.RegisterAsync(ControlPlane.Admin, HubPort, HubCa.CertificatePem);
        await HubApiService.WaitAvailableAsync(ControlPlane.Admin, TimeSpan.FromSeconds(60), HubLogTail);
    }

    /// <summary>kubectl against the control plane as its admin.</summary>
    public Task<ProcessRunner.Result> KubectlAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, ["--kubeconfig", ControlPlane.AdminKubeconfigPath, .. arguments], TimeSpan.FromSeconds(60));

    public async Task DisposeAsync()
    {
        _hub?.Dispose();
        if (Fleet is not null) await Fleet.DisposeAsync();
    }

    public string HubLogTail() => _hub?.LogTail(40) ?? "";

    /// <summary>The control-plane kubeconfig of an agent identity, as written to a file.</summary>
    public string AgentKarmadaKubeconfig(string cluster)
    {
        var path = Path.Combine(Fleet.Root, $"agent-{cluster}-karmada.kubeconfig");
        File.WriteAllText(path, ControlPlane.Server.KubeconfigFor(OnboardingConstants.AgentUserFor(cluster), OnboardingConstants.AgentGroup));
        return path;
    }

    /// <summary>The member kubeconfig of the agent's ServiceAccount (bound by config/agent/rbac.yaml and work_rbac.yaml).</summary>
    public string AgentMemberKubeconfig(string member)
    {
        var path = Path.Combine(Fleet.Root, $"agent-{member}-member.kubeconfig");
        File.WriteAllText(path, Fleet.Member(member).Server.KubeconfigFor(Identities.AgentInMember, Identities.ServiceAccountGroups));
        return path;
    }

    /// <summary>Starts an agent with a metrics endpoint of its own (unless <paramref name="extra"/> names one), which tests read its state from.</summary>
    public ServerProcess StartAgent(string clusterName, string member, params string[] extra) =>
        StartAgentWithKubeconfig(clusterName, member, AgentKarmadaKubeconfig(clusterName), extra);

    /// <summary>As <see cref="StartAgent"/>, with a control-plane kubeconfig of the caller's.</summary>
    public ServerProcess StartAgentWithKubeconfig(string clusterName, string member, string karmadaKubeconfig, params string[] extra)
    {
        var given = Array.IndexOf(extra, "--metrics-bind-address");
        var port = given >= 0 ? int.Parse(extra[given + 1].Split(':')[^1]) : FreePort.Next();
        var agent = KagentProcess.Start($"agent-{clusterName}",
        [
            "agent", "--cluster-name", clusterName,
            "--karmada-kubeconfig", karmadaKubeconfig,
            "--kubeconfig", AgentMemberKubeconfig(member),
            "--health-probe-bind-address", "0", "--log-format", "text",
            .. (given >= 0 ? extra : ["--metrics-bind-address", $"127.0.0.1:{port}", .. extra]),
        ], Path.Combine(Fleet.Root, $"agent-{clusterName}-{Guid.NewGuid().ToString("N")[..4]}.log"));
        _agentMetricsPorts[agent] = port;
        return agent;
    }

    /// <summary>Waits until the agent reports <paramref name="value"/> for a metric on its /metrics (state, not log text).</summary>
    public Task WaitForAgentMetricAsync(ServerProcess agent, string metric, (string Label, string Value) label, double value, TimeSpan timeout) =>
        Eventually.TrueAsync(async () => await AgentMetricAsync(agent, metric, label) == value, timeout,
            () => $"{metric}{{{label.Label}=\"{label.Value}\"}} = {value} on the agent\n{agent.LogTail()}");

    /// <summary>The agent's current value of a metric; null before it answers or reports it.</summary>
    public async Task<double?> AgentMetricAsync(ServerProcess agent, string metric, (string Label, string Value) label)
    {
        try
        {
            return (await MetricsScrape.FetchAsync(_agentMetricsPorts[agent])).Value(metric, label);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Waits until the agent has seen its ClusterRegistration registered.</summary>
    public Task WaitForAgentRegisteredAsync(ServerProcess agent, TimeSpan timeout) =>
        WaitForAgentMetricAsync(agent, "kagent_registration_phase", ("phase", OnboardingConstants.PhaseRegistered), 1, timeout);

    public async Task<ClusterRegistration> WaitForPhaseAsync(string name, string phase, TimeSpan timeout) =>
        (await Eventually.MatchAsync(() => Registrations.GetAsync(name), r => r?.Status.Phase == phase, timeout,
            () => $"registration {name} in phase {phase}\nhub log:\n{HubLogTail()}"))!;

    public static async Task KubectlApplyAsync(TestCluster cluster, string relativePath)
    {
        var path = Path.Combine(RepositoryRoot.Find(), relativePath);
        string[] source = Directory.Exists(path) ? ["-k", path] : ["-f", path];
        var result = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, ["--kubeconfig", cluster.AdminKubeconfigPath, "apply", .. source], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"kubectl apply {relativePath} failed: {result.Output}");
    }
}

[CollectionDefinition(Name)]
public sealed class OnboardingCollection : ICollectionFixture<OnboardingFixture>
{
    public const string Name = "onboarding";
}
