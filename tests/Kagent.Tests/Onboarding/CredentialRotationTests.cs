using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// A kubeconfig Secret rotated by someone else is picked up without a restart: the agent's control-plane
/// kubeconfig is replaced in place (as kubelet swaps a mounted Secret) by one of another identity, and
/// kube-apiserver's audit log shows the agent's requests move to it while its heartbeat goes on; a file that no
/// longer loads is reported and left unused.
/// </summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private const string Name = "rot1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string KarmadaUser = OnboardingConstants.AgentUserFor(Name);
    private static readonly string LegacyUser = OnboardingConstants.LegacyAgentUserPrefix + Name;
    private readonly OnboardingFixture _fleet = new("rotation", [Name], [KarmadaUser, LegacyUser]);
    private ServerProcess? _agent;

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync()
    {
        _agent?.Dispose();
        return _fleet.DisposeAsync();
    }

    [Fact]
    public async Task A_rotated_kubeconfig_is_used_without_a_restart_and_a_broken_one_is_left_unused()
    {
        var member = _fleet.Fleet.Member(Name);
        var agent = _agent = _fleet.StartAgent(Name, Name, "--cluster-api-endpoint", member.Server.Url, "--cluster-lease-duration", "10s",
            "--cluster-lease-renew-interval-fraction", "0.2");
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        await _fleet.WaitForAgentRegisteredAsync(agent, Timeout);
        var remaining = await Eventually.MatchAsync(() => _fleet.AgentMetricAsync(agent, "kagent_client_certificate_expiration_seconds", ("cluster", "karmada")),
            v => v is > 0, Timeout, "the client certificate's remaining lifetime on /metrics");
        Assert.InRange(remaining!.Value, TimeSpan.FromDays(300).TotalSeconds, TimeSpan.FromDays(3660).TotalSeconds);
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Any(r => r.User == KarmadaUser && r.Verb == "update" && r.Resource == "leases")),
            Timeout, "heartbeats of the first identity");

        // Replaced in place, as kubelet updates a mounted Secret: a new file renamed over the old one.
        var path = Path.Combine(_fleet.Fleet.Root, $"agent-{Name}-karmada.kubeconfig");
        Replace(path, _fleet.ControlPlane.Server.KubeconfigFor(LegacyUser, OnboardingConstants.LegacyAgentGroup));
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Count(r => r.User == LegacyUser && r.Verb == "update" && r.Resource == "leases") >= 10),
            Timeout, () => "heartbeats and leader-election renewals of the rotated identity\n" + agent.LogTail());

        // New requests moved at once: after the first few of the new identity, the old one makes none but the
        // watches it had open (audited when they end, at the latest when the old connections close).
        var audited = Requests();
        var fifth = audited.Select((r, i) => (r, i)).Where(x => x.r.User == LegacyUser).Skip(4).First().i;
        Assert.DoesNotContain(audited.Skip(fifth), r => r.User == KarmadaUser && r.Verb != "watch");

        // A file that no longer loads: reported, and the agent goes on with what it has.
        Replace(path, "this is not a kubeconfig");
        var before = Requests().Count(r => r.User == LegacyUser && r.Verb == "update");
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Count(r => r.User == LegacyUser && r.Verb == "update") >= before + 10),
            Timeout, () => "renewals going on after a broken kubeconfig\n" + agent.LogTail());
        Assert.False(agent.HasExited);
    }

    [Fact]
    public async Task An_agent_runs_on_the_certificate_karmadactl_register_obtains_signed_by_kube_controller_manager()
    {
        using var signer = _fleet.ControlPlane.Server.StartCertificateSigner();

        // As karmadactl register files it: an RSA 3072 key, subject CN=system:karmada:agent:<cluster>,
        // O=system:karmada:agents, signer kubernetes.io/kube-apiserver-client; approved as Karmada's
        // agentcsrapproving approves it, and signed by kube-controller-manager with the control plane's client CA.
        using var key = RSA.Create(3072);
        var certificatePem = await SignedAsync($"{Name}-join", key);

        // The agent's control-plane kubeconfig is that certificate and key, nothing minted by the tests.
        var path = Path.Combine(_fleet.Fleet.Root, "registered.kubeconfig");
        File.WriteAllText(path, Kubeconfig.Render("karmada-apiserver", _fleet.ControlPlane.Server.Url, _fleet.ControlPlane.Server.ServingCa.CertificatePem, Name,
            new Credentials.ClientCertificate(certificatePem, key.ExportRSAPrivateKeyPem())));
        var agent = _agent = _fleet.StartAgentWithKubeconfig(Name, Name, path, "--cluster-api-endpoint", _fleet.Fleet.Member(Name).Server.Url);
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Count(r => r.User == KarmadaUser && r.Verb == "update" && r.Resource == "leases") >= 3),
            Timeout, () => "heartbeats on the signed certificate\n" + agent.LogTail());
        using var presented = X509Certificate2.CreateFromPem(certificatePem);
        var remaining = await Eventually.MatchAsync(() => _fleet.AgentMetricAsync(agent, "kagent_client_certificate_expiration_seconds", ("cluster", "karmada")),
            v => v is > 0, Timeout, "the signed certificate's remaining lifetime");
        Assert.InRange(remaining!.Value, (presented.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalSeconds - 120, (presented.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalSeconds + 5);
    }

    /// <summary>
    /// Two renewals, then the serving side proves the connections use the new certificate: the first one comes from
    /// a CA kube-apiserver trusts only until then, and once it stops trusting it the agent's heartbeats go on.
    /// </summary>
    [Fact]
    public async Task The_agent_renews_its_certificate_by_csr_twice_and_its_connections_use_the_new_one()
    {
        // Certificates of 10 minutes (kube-controller-manager backdates each by 5), renewed once less than 99.5 %
        // is left: each new one is due at the next check, so the agent renews every few seconds.
        var server = _fleet.ControlPlane.Server;
        using var signer = server.StartCertificateSigner("10m");
        var retiredCa = CertificateAuthority.Create($"{Name}-retired-ca");
        server.TrustClientCas(retiredCa.CertificatePem);
        var first = retiredCa.IssueClient(KarmadaUser, [OnboardingConstants.AgentGroup], TimeSpan.FromMinutes(10));
        using var probe = server.ClientWithCertificate(retiredCa.IssueClient("probe", []));
        await Eventually.TrueAsync(async () => await StatusOfAsync(probe) == HttpStatusCode.Forbidden, Timeout, "kube-apiserver trusting the retired CA");
        var path = Path.Combine(_fleet.Fleet.Root, "registered.kubeconfig");
        File.WriteAllText(path, Kubeconfig.Render("karmada-apiserver", server.Url, server.ServingCa.CertificatePem, Name,
            new Credentials.ClientCertificate(first.CertificatePem, first.KeyPem)));

        // Karmada's agentcsrapproving approves an agent's own renewal: requested by the certificate's own subject
        // (so does the hub, whichever comes first).
        using var stop = new CancellationTokenSource();
        var approver = ApproveOwnRenewalsAsync(stop.Token);
        var agent = _agent = _fleet.StartAgentWithKubeconfig(Name, Name, path, "--cluster-api-endpoint", _fleet.Fleet.Member(Name).Server.Url,
            "--cert-rotation-checking-interval", "2s", "--cert-rotation-remaining-time-threshold", "0.995", "--cluster-lease-duration", "10s",
            "--cluster-lease-renew-interval-fraction", "0.2");
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);

        var admin = _fleet.ControlPlane.Admin;
        async Task<List<V1CertificateSigningRequest>> RenewalsAsync() =>
            (await admin.CertificatesV1.ListCertificateSigningRequestAsync()).Items
            .Where(c => c.Spec.Username == KarmadaUser && c.Status?.Certificate is { Length: > 0 }).ToList();
        var renewals = await Eventually.MatchAsync(RenewalsAsync, r => r.Count >= 2, TimeSpan.FromSeconds(90), () => "two renewals signed\n" + agent.LogTail());
        await stop.CancelAsync();
        await approver;

        // The kubeconfig now holds one of the renewed certificates, with its new key.
        var stored = KubeconfigFile.Load(path);
        using var presented = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(stored.ClientCertificateData!)),
            Encoding.UTF8.GetString(Convert.FromBase64String(stored.ClientCertificateKeyData!)));
        Assert.Contains(renewals.Concat(await RenewalsAsync()), c => Encoding.UTF8.GetString(c.Status.Certificate).Contains(
            Convert.ToBase64String(presented.RawData)[..64], StringComparison.Ordinal));

        // kube-apiserver no longer accepts the first certificate: heartbeats that go on are made with a renewed one.
        server.TrustClientCas();
        await Eventually.TrueAsync(async () => await StatusOfAsync(probe) == HttpStatusCode.Unauthorized, Timeout, "kube-apiserver no longer trusting the retired CA");
        var before = Requests().Count(r => r.User == KarmadaUser && r.Verb == "update" && r.Resource == "leases");
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Count(r => r.User == KarmadaUser && r.Verb == "update" && r.Resource == "leases") >= before + 5),
            Timeout, () => "heartbeats on the renewed certificate\n" + agent.LogTail());
        Assert.Equal(0, await _fleet.AgentMetricAsync(agent, "kagent_heartbeat_renew_failures_total", ("member_cluster", Name)));
    }

    /// <summary>
    /// A certificate that is not renewed: while it works the agent writes its end on the registration and the hub
    /// warns (an Event, Degraded False with reason ClientCertificateExpiresSoon); once it has ended, the hub marks
    /// the registration Degraded and says so, and the agent keeps running and reports the expiry on /metrics.
    /// </summary>
    [Fact]
    public async Task An_expiring_certificate_is_announced_and_an_expired_one_marks_the_registration_degraded()
    {
        const string Cluster = "rot2";
        var server = _fleet.ControlPlane.Server;
        var certificate = server.ClientCa.IssueClient(OnboardingConstants.AgentUserFor(Cluster), [OnboardingConstants.AgentGroup], TimeSpan.FromSeconds(85), DateTimeOffset.UtcNow.AddSeconds(-10));
        using var parsed = X509Certificate2.CreateFromPem(certificate.CertificatePem);
        var path = Path.Combine(_fleet.Fleet.Root, "short-lived.kubeconfig");
        File.WriteAllText(path, Kubeconfig.Render("karmada-apiserver", server.Url, server.ServingCa.CertificatePem, Cluster,
            new Credentials.ClientCertificate(certificate.CertificatePem, certificate.KeyPem)));
        var agent = _agent = _fleet.StartAgentWithKubeconfig(Cluster, Name, path, "--cluster-api-endpoint", _fleet.Fleet.Member(Name).Server.Url,
            "--controllers", "*,-certRotation");
        await Eventually.TrueAsync(async () => (await _fleet.Registrations.GetAsync(Cluster))?.Status.Phase == OnboardingConstants.PhasePending,
            Timeout, () => "the agent's registration Pending\n" + agent.LogTail());
        await _fleet.Registrations.MergePatchAsync(Cluster, new { spec = new { accepted = true } });

        var expiry = parsed.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var warned = await Eventually.MatchAsync(() => _fleet.Registrations.GetAsync(Cluster),
            r => r!.Metadata.Annotations?.TryGetValue(OnboardingConstants.ClientCertificateExpiryAnnotation, out var written) == true && written == expiry && Degraded(r) is { Status: "False", Reason: OnboardingConstants.ReasonCertificateExpiresSoon },
            Timeout, () => "the expiry written by the agent and the hub's warning\n" + agent.LogTail());
        Assert.Contains(expiry, Degraded(warned!)!.Message);
        await EventAsync(Cluster, OnboardingConstants.ReasonCertificateExpiresSoon);

        var degraded = await Eventually.MatchAsync(() => _fleet.Registrations.GetAsync(Cluster), r => Degraded(r!) is { Status: "True" },
            TimeSpan.FromSeconds(120), () => "the registration Degraded once the certificate ended\n" + _fleet.HubLogTail());
        Assert.Equal(OnboardingConstants.ReasonCertificateExpired, Degraded(degraded!)!.Reason);
        await EventAsync(Cluster, OnboardingConstants.ReasonCertificateExpired);
        await Eventually.MatchAsync(() => _fleet.AgentMetricAsync(agent, "kagent_client_certificate_expiration_seconds", ("cluster", "karmada")),
            v => v < 0, Timeout, "the agent reporting its certificate expired on /metrics");
        Assert.False(agent.HasExited);

        static V1Condition? Degraded(ClusterRegistration r) => r.Status.Conditions?.FirstOrDefault(c => c.Type == OnboardingConstants.ConditionDegraded);
        async Task EventAsync(string name, string reason) =>
            await Eventually.TrueAsync(async () => (await _fleet.ControlPlane.Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={name}")).Items
                .Any(e => e.Reason == reason && e.Type == "Warning"), Timeout, $"a {reason} Event on ClusterRegistration {name}");
    }

    /// <summary>401 for a certificate kube-apiserver does not trust; 403 (listing namespaces) for one it does.</summary>
    private static async Task<HttpStatusCode> StatusOfAsync(KubeClient client)
    {
        try
        {
            await client.CoreV1.ListNamespaceAsync();
            return HttpStatusCode.OK;
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            return e.Response.StatusCode;
        }
    }

    /// <summary>
    /// As Karmada's agentcsrapproving approves a renewal: a CSR whose requester is the subject it asks for, and who
    /// may create certificatesigningrequests/selfclusteragent (a SubjectAccessReview, as the controller makes).
    /// </summary>
    private async Task ApproveOwnRenewalsAsync(CancellationToken cancellationToken)
    {
        var admin = _fleet.ControlPlane.Admin;
        var csrs = admin.CertificatesV1;
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var csr in (await csrs.ListCertificateSigningRequestAsync(cancellationToken: CancellationToken.None)).Items
                         .Where(c => c.Spec.Username == KarmadaUser && c.Status?.Conditions is not { Count: > 0 }))
            {
                var review = await admin.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
                {
                    Spec = new V1SubjectAccessReviewSpec
                    {
                        User = csr.Spec.Username, Groups = csr.Spec.Groups, Uid = csr.Spec.Uid,
                        ResourceAttributes = new V1ResourceAttributes { Group = "certificates.k8s.io", Resource = "certificatesigningrequests", Subresource = "selfclusteragent", Verb = "create", Version = "*" },
                    },
                }, cancellationToken: CancellationToken.None);
                Assert.True(review.Status.Allowed, $"{csr.Spec.Username} may not create certificatesigningrequests/selfclusteragent: {review.Status.Reason}");
                csr.Status = new V1CertificateSigningRequestStatus { Conditions = [Approval()] };
                try
                {
                    await csrs.ReplaceCertificateSigningRequestApprovalAsync(csr, csr.Metadata.Name, cancellationToken: CancellationToken.None);
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    // The hub approved it first.
                }
            }

            try
            {
                await Task.Delay(300, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A client certificate for the cluster's agent, requested with <paramref name="key"/>, approved and signed by kube-controller-manager.</summary>
    private async Task<string> SignedAsync(string csrName, RSA key)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={KarmadaUser}, O={OnboardingConstants.AgentGroup}"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var csrs = _fleet.ControlPlane.Admin.CertificatesV1;
        var csr = await csrs.CreateCertificateSigningRequestAsync(new V1CertificateSigningRequest
        {
            Metadata = new V1ObjectMeta { Name = csrName },
            Spec = new V1CertificateSigningRequestSpec
            {
                Request = Encoding.UTF8.GetBytes(request.CreateSigningRequestPem()),
                SignerName = "kubernetes.io/kube-apiserver-client",
                Usages = ["digital signature", "key encipherment", "client auth"],
            },
        });
        csr.Status = new V1CertificateSigningRequestStatus { Conditions = [Approval()] };
        await csrs.ReplaceCertificateSigningRequestApprovalAsync(csr, csrName);
        var signed = await Eventually.MatchAsync(() => csrs.ReadCertificateSigningRequestAsync(csrName),
            c => c.Status?.Certificate is { Length: > 0 }, Timeout, "the certificate signed by kube-controller-manager");
        return Encoding.UTF8.GetString(signed.Status.Certificate);
    }

    private static V1CertificateSigningRequestCondition Approval() =>
        new() { Type = "Approved", Status = "True", Reason = "AutoApproved", Message = "Auto approving karmada agent certificate after SubjectAccessReview." };

    private List<AuditedRequest> Requests() => AuditLog.Read(_fleet.ControlPlane.Server.AuditLogPath).ToList();

    private static void Replace(string path, string content)
    {
        var next = path + ".next";
        File.WriteAllText(next, content);
        File.Move(next, path, overwrite: true);
    }
}
