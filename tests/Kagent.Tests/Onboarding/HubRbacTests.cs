using System.Text;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Onboarding;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// The hub's RBAC is the minimum it needs, rule by rule. The hub runs as the ServiceAccount config/rbac binds,
/// through a whole lifecycle (approval, a certificate request approved, a changed registration, tampered agent roles, heartbeats lost and back,
/// readiness Events repeated, clusterhealths and a probe, deregistration with its certificate requests), while kube-apiserver audits every
/// request it makes. Then every permission config/rbac gives the hub must be one it used, or one it grants to an
/// agent (RBAC lets it grant only what it holds); every built-in role bound to it must have been used; and nothing
/// it asked for was denied. Each kind it reads is listed once (one shared cache; admission never lists).
/// </summary>
public sealed class HubRbacTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "rbac1";
    private const string HubNamespace = "kagent-system";
    private const string HubServiceAccount = "kagent-hub";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Namespaces = [KarmadaConstants.ClusterNamespace, KarmadaConstants.SystemNamespace];
    private readonly OnboardingFixture _fleet = new("rbac", [Name], [Identities.Hub]);
    private ServerProcess? _agent;

    private KubeClient Admin => _fleet.ControlPlane.Admin;

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync()
    {
        _agent?.Dispose();
        return _fleet.DisposeAsync();
    }

    [Fact]
    public async Task Every_permission_of_the_hub_is_used_or_granted_by_it_and_nothing_it_asks_for_is_denied()
    {
        var granted = await RunLifecycleAsync();
        // A watch is audited when it ends: stop the hub, so that each of its watches is in the log.
        _fleet.KillHub();
        var requests = await Eventually.MatchAsync(() => Task.FromResult(AuditLog.Read(_fleet.ControlPlane.Server.AuditLogPath).Where(r => r.User == Identities.Hub).ToList()),
            r => r.Any(e => e.Verb == "watch" && e.Resource == "leases"), Timeout, "the hub's watches in the audit log");
        output.WriteLine($"{requests.Count} audited requests of {Identities.Hub}");

        // One shared cache per kind, read by the controller, the health monitor and admission: however many
        // admissions the lifecycle made (a create, an approval, agent updates), the hub listed each kind once.
        foreach (var resource in new[] { OnboardingConstants.Plural, "onboardingpolicies", "clusters", "leases" })
            Assert.True(requests.Count(r => r.Verb == "list" && r.Resource == resource) == 1,
                $"{resource} listed {requests.Count(r => r.Verb == "list" && r.Resource == resource)} times; one shared cache lists it once");

        var given = await RbacCoverage.GivenToServiceAccountAsync(Admin, HubNamespace, HubServiceAccount,
            [.. Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "config", "rbac"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml"))]);
        var (report, problems) = RbacCoverage.Check(given, requests, granted);
        foreach (var line in report) output.WriteLine(line);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    /// <summary>Everything the hub does for one cluster, start to end; returns what the hub granted its agent.</summary>
    private async Task<List<Permission>> RunLifecycleAsync()
    {
        var member = _fleet.Fleet.Member(Name);
        string[] Flags(string region) =>
            ["--cluster-api-endpoint", member.Server.Url, "--cluster-region", region, "--cluster-lease-duration", "6s", "--cluster-status-update-frequency", "1s"];

        // Joined, approved, registered: the hub creates the Cluster and the agent's own roles.
        var agent = _agent = _fleet.StartAgent(Name, Name, Flags("r1"));
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        await WaitReadyAsync("True", agent);
        var granted = await GrantsAsync();

        // The agent asks to renew its certificate: the hub approves its own request.
        using (var agentClient = _fleet.ControlPlane.ClientFor(OnboardingConstants.AgentUserFor(Name), OnboardingConstants.AgentGroup))
        {
            await agentClient.CertificatesV1.CreateCertificateSigningRequestAsync(CertificateRequests.Build("rbac1-renewal", new CsrShape(OnboardingConstants.AgentUserFor(Name))));
        }

        await Eventually.TrueAsync(async () => CertificateRequests.IsApproved(await Admin.CertificatesV1.ReadCertificateSigningRequestAsync("rbac1-renewal")),
            Timeout, () => "the agent's renewal request approved by the hub\n" + _fleet.HubLogTail());

        // Someone widens the agent's roles and binds them to another user: the next reconcile puts all back.
        var rbac = Admin.RbacAuthorizationV1;
        var name = AgentPermissions.NameFor(Name);
        var intruder = new Rbacv1Subject { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = "intruder" };
        var grantedVerbs = new Dictionary<string, int>();
        foreach (var ns in Namespaces) grantedVerbs[ns] = (await rbac.ReadNamespacedRoleAsync(name, ns)).Rules[0].Verbs.Count;
        var clusterRole = await rbac.ReadClusterRoleAsync(name);
        clusterRole.Rules[0].Verbs.Add("update");
        await rbac.ReplaceClusterRoleAsync(clusterRole, name);
        var clusterBinding = await rbac.ReadClusterRoleBindingAsync(name);
        clusterBinding.Subjects.Add(intruder);
        await rbac.ReplaceClusterRoleBindingAsync(clusterBinding, name);
        foreach (var ns in Namespaces)
        {
            var role = await rbac.ReadNamespacedRoleAsync(name, ns);
            role.Rules[0].Verbs.Add("delete");
            await rbac.ReplaceNamespacedRoleAsync(role, name, ns);
            var binding = await rbac.ReadNamespacedRoleBindingAsync(name, ns);
            binding.Subjects.Add(intruder);
            await rbac.ReplaceNamespacedRoleBindingAsync(binding, name, ns);
        }

        // Heartbeat lost, then back twice: readiness Events, the second "back" one a repeat. The first restart
        // moves the cluster to another region: a changed registration, so a reconcile and a Cluster update.
        foreach (var region in new[] { "r2", "r2" })
        {
            agent.Dispose();
            await WaitReadyAsync("False", agent);
            agent = _agent = _fleet.StartAgent(Name, Name, Flags(region));
            await WaitReadyAsync("True", agent);
        }

        async Task<bool> RestoredAsync(string ns) =>
            (await rbac.ReadNamespacedRoleAsync(name, ns)).Rules[0].Verbs.Count == grantedVerbs[ns] && (await rbac.ReadNamespacedRoleBindingAsync(name, ns)).Subjects.Count == OnboardingConstants.AgentUsersFor(Name).Count;
        await Eventually.TrueAsync(async () => (await rbac.ReadClusterRoleAsync(name)).Rules[0].Verbs.Count == 2
                                              && (await rbac.ReadClusterRoleBindingAsync(name)).Subjects.Count == OnboardingConstants.AgentUsersFor(Name).Count
                                              && await RestoredAsync(KarmadaConstants.ClusterNamespace) && await RestoredAsync(KarmadaConstants.SystemNamespace),
            Timeout, () => "tampered agent roles and bindings restored\n" + _fleet.HubLogTail());
        Assert.Equal("r2", (await new EntityClient<Cluster>(Admin).GetAsync(Name))!.Spec.Region);

        await ProbePushClusterAsync(member);

        // Deregistration: the hub removes the Cluster, the Lease and the agent's roles.
        agent.Dispose();
        await _fleet.Registrations.DeleteAsync(Name);
        await Eventually.TrueAsync(async () => await _fleet.Registrations.GetAsync(Name) is null, Timeout, () => "registration gone\n" + _fleet.HubLogTail());
        Assert.DoesNotContain((await Admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items, c => c.Metadata.Name == "rbac1-renewal");
        return granted;
    }

    private async Task WaitReadyAsync(string ready, ServerProcess agent) =>
        await Eventually.TrueAsync(async () =>
        {
            var result = await _fleet.KubectlAsync("get", "clusterhealth", Name, "-o", "jsonpath={.status.ready}");
            return result.ExitCode == 0 && result.StandardOutput.Trim() == ready;
        }, Timeout, () => $"clusterhealth {Name} ready {ready}\nagent:\n{agent.LogTail()}\nhub:\n{_fleet.HubLogTail()}");

    /// <summary>A Push cluster the hub probes with the credentials in its secretRef.</summary>
    private async Task ProbePushClusterAsync(MemberCluster member)
    {
        await Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "rbac-push", NamespaceProperty = KarmadaConstants.ClusterNamespace },
            Data = new Dictionary<string, byte[]> { ["caBundle"] = Encoding.UTF8.GetBytes(member.Server.ServingCa.CertificatePem) },
        }, KarmadaConstants.ClusterNamespace);
        var clusters = new EntityClient<Cluster>(Admin);
        await clusters.CreateAsync(new Cluster
        {
            Metadata = new V1ObjectMeta { Name = "rbac-push" },
            Spec = new ClusterSpec
            {
                SyncMode = "Push", ApiEndpoint = member.Server.Url,
                SecretRef = new LocalSecretReference { Namespace = KarmadaConstants.ClusterNamespace, Name = "rbac-push" },
            },
        });
        await Eventually.TrueAsync(async () => (await _fleet.KubectlAsync("get", "--raw", "/apis/kagent.io/v1alpha1/clusterhealths/rbac-push/probe")).ExitCode == 0,
            Timeout, () => "probe of the Push cluster\n" + _fleet.HubLogTail());
        await clusters.DeleteAsync("rbac-push");
    }

    /// <summary>What the hub granted the agent: its ClusterRole (cluster-wide) and Roles (heartbeat and leader-election Leases).</summary>
    private async Task<List<Permission>> GrantsAsync()
    {
        var name = AgentPermissions.NameFor(Name);
        var rbac = Admin.RbacAuthorizationV1;
        var granted = Permission.Expand((await rbac.ReadClusterRoleAsync(name)).Rules, null);
        foreach (var ns in Namespaces) granted.AddRange(Permission.Expand((await rbac.ReadNamespacedRoleAsync(name, ns)).Rules, ns));

        // The Work role, bound in the cluster's execution namespace only.
        var executionSpace = KarmadaConstants.ExecutionSpaceFor(Name);
        var workBinding = await rbac.ReadNamespacedRoleBindingAsync(name, executionSpace);
        granted.AddRange(Permission.Expand((await rbac.ReadClusterRoleAsync(workBinding.RoleRef.Name)).Rules, executionSpace));
        return granted;
    }
}
