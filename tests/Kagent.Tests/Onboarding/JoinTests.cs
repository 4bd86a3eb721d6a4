using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Join;
using Kagent.Onboarding;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// The control plane of a join: bootstrap-token authentication on, kube-controller-manager running csrsigning,
/// bootstrapsigner and tokencleaner as in Karmada, the hub approving certificate requests by policy.
/// </summary>
public sealed class JoinFixture : IAsyncLifetime
{
    public OnboardingFixture Onboarding { get; } = new("join", ["join1", "join2"]);

    private ServerProcess? _controllerManager;

    public async Task InitializeAsync()
    {
        await Onboarding.InitializeAsync();
        _controllerManager = Onboarding.ControlPlane.Server.StartControllerManager(["csrsigning", "bootstrapsigner", "tokencleaner"]);
        foreach (var member in Onboarding.Fleet.Members.Values) await member.EnsureNamespaceAsync("kagent-system");
    }

    public async Task DisposeAsync()
    {
        _controllerManager?.Dispose();
        await Onboarding.DisposeAsync();
    }
}

/// <summary>
/// kagent token create and kagent join on real API servers: a member joins with a token made by hand in Karmada's
/// format and its agent runs on the certificate it obtained; wrong CA hash, expired token, missing namespace, a
/// taken name, a request never approved and a denied one each fail with one line and exit code 2, nothing written to the member; a join
/// again after a failure succeeds. And the hub's approval: each malformed or foreign request stays unapproved.
/// </summary>
public sealed class JoinTests(JoinFixture join) : IClassFixture<JoinFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string KarmadaGroup = OnboardingConstants.KarmadaBootstrapGroup;
    private OnboardingFixture Fleet => join.Onboarding;

    private KubeClient Admin => Fleet.ControlPlane.Admin;

    private string Address => Fleet.ControlPlane.Server.Url["https://".Length..];

    private string Pin => CaPin.For(X509Certificate2.CreateFromPem(Fleet.ControlPlane.Server.ServingCa.CertificatePem));

    [Fact]
    public async Task A_member_joins_with_a_token_in_Karmadas_format_its_agent_runs_on_the_certificate_and_leaves_cleanly()
    {
        const string Name = "join1";
        await EnsureClusterInfoAsync();
        var token = await CreateTokenAsync("kmdtok", KarmadaGroup, DateTime.UtcNow.AddHours(1));

        var endpoint = Fleet.Fleet.Member(Name).Server.Url;
        var joining = RunJoinAsync(Name, token, Pin, "--cluster-api-endpoint", endpoint, "--print-agent-manifests");
        await Fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await Fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        var result = await joining;
        Assert.True(result.ExitCode == 0, result.Output);

        // The agent's manifests, printed for this cluster: config/agent as it is, with its name and endpoint; the member takes them.
        var manifests = result.StandardOutput;
        Assert.Contains($"- --cluster-name={Name}\n        - --cluster-api-endpoint={endpoint}\n", manifests);
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "config", "agent"), "*.yaml").Where(f => !f.EndsWith("kustomization.yaml") && !f.EndsWith("deployment.yaml")))
            Assert.Contains((await File.ReadAllTextAsync(file)).TrimEnd(), manifests);
        var applied = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, ["--kubeconfig", Fleet.Fleet.Member(Name).AdminKubeconfigPath, "apply", "--dry-run=server", "-f", "-"],
            TimeSpan.FromSeconds(60), standardInput: await Config.ManifestTests.ForServerAsync(Fleet.Fleet.Member(Name), manifests));
        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.Contains("deployment.apps/kagent-agent", applied.StandardOutput);

        // The member holds the agent's kubeconfig in karmadactl register's layout, for Karmada's agent identity.
        var kubeconfig = await MemberKubeconfigAsync(Name);
        Assert.NotNull(kubeconfig);
        var config = KubeconfigFile.Parse(kubeconfig)!;
        Assert.Equal($"{Name}@karmada-apiserver", config.CurrentContext);
        var user = Assert.Single(config.Users!);
        Assert.Equal(Name, user.Name);
        using var certificate = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(user.UserCredentials.ClientCertificateData)));
        Assert.Equal($"CN={OnboardingConstants.AgentUserFor(Name)}, O={OnboardingConstants.AgentGroup}", certificate.Subject);

        // Approved by the hub (nothing else approves here), for the registration the token asked for.
        var csr = (await Admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items.Single(c => c.Spec.Username == "system:bootstrap:kmdtok");
        Assert.Contains(csr.Status.Conditions, c => c.Type == "Approved" && c.Reason == JoinApproval.ReasonApproved);
        Assert.Equal("true", csr.Metadata.Labels["karmada.io/system"]);
        Assert.Equal("system:bootstrap:kmdtok", (await Fleet.Registrations.GetAsync(Name))!.Metadata.Annotations[OnboardingConstants.RequestedByAnnotation]);

        var path = Path.Combine(Fleet.Fleet.Root, "join1-joined.kubeconfig");
        await File.WriteAllTextAsync(path, kubeconfig);
        using var agent = Fleet.StartAgentWithKubeconfig(Name, Name, path, "--cluster-api-endpoint", Fleet.Fleet.Member(Name).Server.Url);
        await Fleet.WaitForAgentRegisteredAsync(agent, Timeout);
        await Eventually.TrueAsync(async () =>
        {
            var ready = await Fleet.KubectlAsync("get", "clusterhealth", Name, "-o", "jsonpath={.status.ready}");
            return ready.ExitCode == 0 && ready.StandardOutput.Trim() == "True";
        }, Timeout, () => "the joined agent's cluster Ready\n" + agent.LogTail());

        // Leaving with the agent's own kubeconfig: the hub removes the cluster and its certificate requests; the
        // member's kubeconfig Secret goes on request.
        var unregister = await KagentProcess.RunAsync(["agent", "unregister", "--cluster-name", Name, "--karmada-kubeconfig", path,
            "--delete-kubeconfig-secret", "--kubeconfig", Fleet.Fleet.Member(Name).AdminKubeconfigPath, "--timeout", "60s"]);
        Assert.True(unregister.ExitCode == 0, unregister.Output);
        Assert.Null(await Fleet.Registrations.GetAsync(Name));
        Assert.DoesNotContain((await Admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items, c => c.Metadata.Name == csr.Metadata.Name);
        Assert.Null(await MemberKubeconfigAsync(Name));
    }

    [Fact]
    public async Task Bad_input_fails_with_one_line_and_nothing_half_made_and_a_join_again_succeeds()
    {
        const string Name = "join2";
        var created = await KagentProcess.RunAsync(["token", "create", "--kubeconfig", Fleet.ControlPlane.AdminKubeconfigPath, "--ttl", "1h"]);
        Assert.True(created.ExitCode == 0, created.Output);
        var words = created.StandardOutput.Trim().Split(' ');
        Assert.Equal(["kagent", "join", Address, "--token"], words[..4]);
        var token = words[4];
        Assert.Equal(["--discovery-token-ca-cert-hash", Pin], words[5..]);

        await ExpectFailureAsync(RunJoinAsync(Name, token, "sha256:" + new string('0', 64)), "matches no --discovery-token-ca-cert-hash");
        var expired = await CreateTokenAsync("expire", OnboardingConstants.BootstrapGroup, DateTime.UtcNow.AddMinutes(-1));
        await ExpectFailureAsync(RunJoinAsync(Name, expired, Pin, "--discovery-timeout", "6s"), "token expire is unknown or expired");
        await ExpectFailureAsync(RunJoinAsync(Name, token, Pin, "--namespace", "nowhere"), "has no namespace nowhere");
        Assert.Null(await Fleet.Registrations.GetAsync(Name));

        // Another cluster's name: refused, and that registration is left as it was.
        await Fleet.Registrations.CreateAsync(new ClusterRegistration { Metadata = new V1ObjectMeta { Name = "taken" } });
        await ExpectFailureAsync(RunJoinAsync("taken", token, Pin), "cluster name taken is taken");
        Assert.Null((await Fleet.Registrations.GetAsync("taken"))!.Metadata.Annotations);

        // Never approved (its registration waits for an approver): the join gives up with a hint, writing nothing.
        await ExpectFailureAsync(RunJoinAsync(Name, token, Pin, "--approval-timeout", "5s"), "was not signed within 5s; nothing was written to the member");
        Assert.Null(await MemberKubeconfigAsync(Name));

        // Denied by a person: the join says so, and writes nothing to the member.
        var tokenId = token.Split('.')[0];
        var earlier = (await Admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items.Select(c => c.Metadata.Name).ToHashSet();
        var denied = RunJoinAsync(Name, token, Pin);
        var csr = await Eventually.MatchAsync(async () => (await Admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items
                .FirstOrDefault(c => c.Spec.Username == $"system:bootstrap:{tokenId}" && !earlier.Contains(c.Metadata.Name)),
            c => c is not null, Timeout, "the join's certificate request");
        csr!.Status ??= new V1CertificateSigningRequestStatus();
        csr.Status.Conditions = [new V1CertificateSigningRequestCondition { Type = "Denied", Status = "True", Reason = "NotThisOne", Message = "denied in a test" }];
        await Admin.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(csr, csr.Metadata.Name);
        await ExpectFailureAsync(denied, $"CertificateSigningRequest {csr.Metadata.Name} was denied (NotThisOne: denied in a test)");
        Assert.Null(await MemberKubeconfigAsync(Name));

        // Again, with the same token: its registration is there; once accepted, the join ends.
        var again = RunJoinAsync(Name, token, Pin);
        await Fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await Fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        var result = await again;
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.NotNull(await MemberKubeconfigAsync(Name));
    }

    /// <summary>
    /// Each request a token or an identity should not get stays unapproved: another token asking for a registered
    /// cluster's identity, a wrong group, alternative names, server usages, a weak key, karmadactl's administrator
    /// identity, a wrong cluster id, another cluster's agent, a user who is neither, a name another Karmada Cluster
    /// holds, another signer. A good request
    /// filed after them is approved (the hub takes requests in turn), and each judged one carries an Event saying why.
    /// </summary>
    [Fact]
    public async Task Malformed_or_foreign_certificate_requests_stay_unapproved()
    {
        const string Cluster = "good1";
        var user = OnboardingConstants.AgentUserFor(Cluster);
        var owner = await CreateTokenAsync("owner1", OnboardingConstants.BootstrapGroup, DateTime.UtcNow.AddHours(1));
        var other = await CreateTokenAsync("other1", OnboardingConstants.BootstrapGroup, DateTime.UtcNow.AddHours(1));
        using var ownerClient = Fleet.ControlPlane.Server.ClientWithToken(owner);
        using var otherClient = Fleet.ControlPlane.Server.ClientWithToken(other);
        async Task AskForAsync(string name)
        {
            await new EntityClient<ClusterRegistration>(ownerClient).CreateAsync(new ClusterRegistration
            {
                Metadata = new V1ObjectMeta { Name = name, Annotations = new Dictionary<string, string> { [OnboardingConstants.RequestedByAnnotation] = "system:bootstrap:owner1" } },
                Spec = new ClusterRegistrationSpec { ClusterId = $"id-{name}" },
            });
            await Fleet.Registrations.MergePatchAsync(name, new { spec = new { accepted = true } });
        }

        await AskForAsync(Cluster);
        await Fleet.WaitForPhaseAsync(Cluster, OnboardingConstants.PhaseRegistered, Timeout);

        // A name a Karmada Cluster of another id already holds: accepted, but Denied by the hub, so never approved.
        await new EntityClient<Kagent.Api.Karmada.Cluster>(Admin).CreateAsync(new Kagent.Api.Karmada.Cluster
        {
            Metadata = new V1ObjectMeta { Name = "held1" },
            Spec = new Kagent.Api.Karmada.ClusterSpec { SyncMode = "Pull", Id = "another-cluster" },
        });
        await AskForAsync("held1");
        await Fleet.WaitForPhaseAsync("held1", OnboardingConstants.PhaseDenied, Timeout);

        using var otherAgent = Fleet.ControlPlane.ClientFor(OnboardingConstants.AgentUserFor("other-cluster"), OnboardingConstants.AgentGroup);
        using var someone = Fleet.ControlPlane.ClientFor("someone", "system:masters");
        var good = new CsrShape(user) { ClusterId = "id-good1" };
        var refused = new (string Name, IKubernetes Client, CsrShape Shape, string Why)[]
        {
            ("t-other-token", otherClient, good, "was asked for by system:bootstrap:owner1, not by system:bootstrap:other1"),
            ("t-group", ownerClient, good with { Organizations = [OnboardingConstants.AgentGroup, "admins"] }, "not exactly [system:karmada:agents]"),
            ("t-sans", ownerClient, good with { DnsNames = ["example.com"] }, "alternative names"),
            ("t-usages", ownerClient, good with { Usages = ["digital signature", "key encipherment", "server auth"] }, "usages"),
            ("t-weak-key", ownerClient, good with { RsaBits = 1024 }, "1024 bits"),
            ("t-generator", ownerClient, good with { CommonName = OnboardingConstants.AgentUserPrefix + JoinRequestRules.ReservedClusterName }, "names no cluster"),
            ("t-cluster-id", ownerClient, good with { ClusterId = "id-of-another" }, "is not ClusterRegistration good1's"),
            ("t-other-agent", otherAgent, good, "neither a bootstrap token nor good1's own agent"),
            ("t-someone", someone, good, "neither a bootstrap token nor good1's own agent"),
            ("t-held", ownerClient, new CsrShape(OnboardingConstants.AgentUserFor("held1")) { ClusterId = "id-held1" }, "ClusterRegistration held1 is Denied"),
        };
        foreach (var (name, client, shape, _) in refused) await client.CertificatesV1.CreateCertificateSigningRequestAsync(CertificateRequests.Build(name, shape));
        await Admin.CertificatesV1.CreateCertificateSigningRequestAsync(CertificateRequests.Build("t-signer", good with { Signer = "example.com/other" }));
        await ownerClient.CertificatesV1.CreateCertificateSigningRequestAsync(CertificateRequests.Build("t-good", good));

        await Eventually.TrueAsync(async () => CertificateRequests.IsApproved(await Admin.CertificatesV1.ReadCertificateSigningRequestAsync("t-good")),
            Timeout, () => "the well-formed request approved\n" + Fleet.HubLogTail());
        foreach (var name in refused.Select(r => r.Name).Append("t-signer"))
            Assert.False(CertificateRequests.IsApproved(await Admin.CertificatesV1.ReadCertificateSigningRequestAsync(name)), $"{name} was approved");
        foreach (var (name, _, _, why) in refused)
        {
            await Eventually.TrueAsync(async () => (await Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={name}")).Items
                    .Any(e => e.Reason == "NotApproved" && e.Message.Contains(why, StringComparison.Ordinal)),
                Timeout, $"a NotApproved Event on {name} saying '{why}'");
        }
    }

    private Task<ProcessRunner.Result> RunJoinAsync(string cluster, string token, string pin, params string[] extra) =>
        KagentProcess.RunAsync(
        [
            "join", Address, "--token", token, "--discovery-token-ca-cert-hash", pin, "--cluster-name", cluster,
            "--kubeconfig", Fleet.Fleet.Member(cluster == "taken" ? "join2" : cluster).AdminKubeconfigPath,
            .. (extra.Contains("--approval-timeout") ? extra : ["--approval-timeout", "60s", .. extra]),
        ], TimeSpan.FromSeconds(120));

    private static async Task ExpectFailureAsync(Task<ProcessRunner.Result> run, string expected)
    {
        var result = await run;
        Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}, expected 2:\n{result.Output}");
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("kagent: ", line);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private async Task<string?> MemberKubeconfigAsync(string member)
    {
        var secrets = await Fleet.Fleet.Member(member).Admin.CoreV1.ListNamespacedSecretAsync("kagent-system", fieldSelector: "metadata.name=kagent-karmada-kubeconfig");
        return secrets.Items.FirstOrDefault()?.Data?.TryGetValue("karmada.kubeconfig", out var data) == true ? Encoding.UTF8.GetString(data) : null;
    }

    /// <summary>A bootstrap token Secret written by hand, key by key as karmadactl token create writes it.</summary>
    private async Task<string> CreateTokenAsync(string id, string group, DateTime expiration)
    {
        var secret = $"{id}0123456789"[..6] + "0123456789abcdef"[..10];
        await Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = $"bootstrap-token-{id}", NamespaceProperty = "kube-system" },
            Type = "bootstrap.kubernetes.io/token",
            StringData = new Dictionary<string, string>
            {
                ["token-id"] = id,
                ["token-secret"] = secret,
                ["expiration"] = expiration.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["usage-bootstrap-signing"] = "true",
                ["usage-bootstrap-authentication"] = "true",
                ["auth-extra-groups"] = group,
            },
        }, "kube-system");
        return $"{id}.{secret}";
    }

    /// <summary>kube-public/cluster-info as karmadactl init writes it: the control plane's address and CA, one cluster under the empty name.</summary>
    private async Task EnsureClusterInfoAsync()
    {
        var existing = await Admin.CoreV1.ListNamespacedConfigMapAsync("kube-public", fieldSelector: "metadata.name=cluster-info");
        if (existing.Items.Count > 0) return;
        var server = Fleet.ControlPlane.Server;
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(server.ServingCa.CertificatePem));
        await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "cluster-info", NamespaceProperty = "kube-public" },
            Data = new Dictionary<string, string>
            {
                ["kubeconfig"] = $"apiVersion: v1\nkind: Config\nclusters:\n- name: \"\"\n  cluster:\n    certificate-authority-data: {ca}\n    server: {server.Url}\ncontexts: []\ncurrent-context: \"\"\npreferences: {{}}\nusers: []\n",
            },
        }, "kube-public");
    }
}
