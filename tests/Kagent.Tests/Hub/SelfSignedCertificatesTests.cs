using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Hub.Certificates;
using Kagent.Onboarding;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Hub;

/// <summary>
/// `kagent hub --self-signed-certs` on a control plane of its own (it rewrites the webhook configuration's and the
/// APIService's caBundle), as the ServiceAccount config/rbac, config/certs/self-signed-secret and config/certs/ca-injection bind: kube-apiserver
/// trusts the hub with no certificate handed to it, and keeps trusting it across a renewal.
/// </summary>
public sealed class SelfSignedCertificatesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private Fleet _fleet = null!;

    private ControlPlane ControlPlane => _fleet.ControlPlane;

    public async Task InitializeAsync() => _fleet = await Fleet.StartAsync(TestDirectories.NewRoot("self-signed"), [], auditedControlPlaneUsers: [Identities.Hub]);

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Fact]
    public async Task The_hub_issues_stores_injects_and_renews_its_certificates_and_kube_apiserver_keeps_trusting_it()
    {
        await ControlPlane.EnsureNamespaceAsync("kagent-system");
        await OnboardingFixture.KubectlApplyAsync(ControlPlane, "config/rbac");
        await OnboardingFixture.KubectlApplyAsync(ControlPlane, "config/certs/self-signed-secret");
        await OnboardingFixture.KubectlApplyAsync(ControlPlane, "config/certs/ca-injection");
        var port = FreePort.Next();
        await ControlPlane.Admin.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(
            WebhookConfigurations.Onboarding(WebhookConfigurations.ViaUrl($"https://127.0.0.1:{port}", null)));
        await HubApiService.RegisterAsync(ControlPlane.Admin, port, caPem: null);

        var kubeconfig = Path.Combine(_fleet.Root, "hub.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, ControlPlane.Server.KubeconfigFor(Identities.Hub, Identities.ServiceAccountGroups));
        using var hub = KagentProcess.Start("hub-self-signed",
        [
            "hub", "--kubeconfig", kubeconfig, "--bind-address", "127.0.0.1", "--secure-port", port.ToString(),
            "--self-signed-certs", "--self-signed-certs-hosts", "127.0.0.1", "--self-signed-certs-validity", "1m",
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--log-format", "text",
        ], Path.Combine(_fleet.Root, "hub-self-signed.log"));

        // Issued and stored; the CA injected into both; the hub serves the stored certificate.
        var first = await Eventually.MatchAsync(ReadSecretAsync, s => s is not null, Timeout, () => "certificates Secret\n" + hub.LogTail());
        Assert.Equal("kubernetes.io/tls", first!.Type);
        var bundle = first.Data[CertificateSet.CaCertificateKey];
        await Eventually.TrueAsync(async () => await CaBundlesAsync() == (Encoding.UTF8.GetString(bundle), Encoding.UTF8.GetString(bundle)), Timeout, () => "caBundle injected\n" + hub.LogTail());
        await HubApiService.WaitAvailableAsync(ControlPlane.Admin, Timeout, () => hub.LogTail());
        await AssertAdmissionWorksAsync();
        using var stored = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(first.Data[CertificateSet.CertificateKey]));
        Assert.Contains("kagent-hub.kagent-system.svc", Kagent.Hub.Certificates.CertificateIssuer.HostsOf(stored));
        Assert.Equal(stored.Thumbprint, await ServedThumbprintAsync(port));

        // Renewed with a third of its minute left; served at once, and kube-apiserver still trusts it.
        var renewed = await Eventually.MatchAsync(ReadSecretAsync,
            s => Encoding.UTF8.GetString(s!.Data[CertificateSet.CertificateKey]) != Encoding.UTF8.GetString(first.Data[CertificateSet.CertificateKey]), Timeout, () => "serving certificate renewed\n" + hub.LogTail());
        using var next = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(renewed!.Data[CertificateSet.CertificateKey]));
        output.WriteLine($"first certificate until {stored.NotAfter:u}, renewed one from {next.NotBefore:u} until {next.NotAfter:u}");
        await Eventually.TrueAsync(async () => await ServedThumbprintAsync(port) == next.Thumbprint, Timeout, "renewed certificate served");
        await AssertAdmissionWorksAsync();
        await HubApiService.WaitAvailableAsync(ControlPlane.Admin, Timeout, () => hub.LogTail());

        // The keys it made stay in the Secret: not one line of them in the log.
        var log = await File.ReadAllTextAsync(hub.LogPath);
        Assert.DoesNotContain("PRIVATE KEY", log);
        foreach (var key in new[] { CertificateSet.CaKeyKey, CertificateSet.KeyKey })
        {
            foreach (var line in Encoding.UTF8.GetString(renewed.Data[key]).Split('\n').Where(l => l.Length > 20 && !l.StartsWith("-----"))) Assert.DoesNotContain(line, log);
        }

        // Every permission the certificate RBAC gives the hub was used (kube-apiserver's audit log of the hub).
        hub.Dispose();
        var given = await RbacCoverage.GivenToServiceAccountAsync(ControlPlane.Admin, "kagent-system", "kagent-hub", "config/certs/self-signed-secret/rbac.yaml", "config/certs/ca-injection/rbac.yaml");
        var (report, problems) = RbacCoverage.Check(given, AuditLog.Read(ControlPlane.Server.AuditLogPath).Where(r => r.User == Identities.Hub).ToList(), []);
        foreach (var line in report) output.WriteLine(line);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    private async Task<V1Secret?> ReadSecretAsync()
    {
        try
        {
            return await ControlPlane.Admin.CoreV1.ReadNamespacedSecretAsync("kagent-hub-certs", "kagent-system");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<(string Webhooks, string ApiService)> CaBundlesAsync()
    {
        var configuration = await ControlPlane.Admin.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(WebhookConfigurations.Name);
        var webhooks = configuration.Webhooks.Select(w => Encoding.UTF8.GetString(w.ClientConfig.CaBundle ?? [])).Distinct().Single();
        var apiService = await ControlPlane.Admin.ApiregistrationV1.ReadAPIServiceAsync(CaBundleInjector.ApiServiceName);
        return (webhooks, Encoding.UTF8.GetString(apiService.Spec.CaBundle ?? []));
    }

    /// <summary>An invalid registration is denied by the hub's webhook, reached by kube-apiserver over TLS.</summary>
    private async Task AssertAdmissionWorksAsync()
    {
        var registrations = new EntityClient<ClusterRegistration>(ControlPlane.Admin);
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await registrations.CreateAsync(new ClusterRegistration { Metadata = new V1ObjectMeta { Name = "probe" }, Spec = new ClusterRegistrationSpec { ApiEndpoint = "http://probe" } });
                await registrations.DeleteAsync("probe");
                return false;
            }
            catch (HttpOperationException e) when (e.Response.Content.Contains("spec.apiEndpoint"))
            {
                return true;
            }
        }, Timeout, "the webhook denies an invalid registration");
    }

    private static async Task<string> ServedThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "kagent-hub.kagent-system.svc" });
        return new X509Certificate2(tls.RemoteCertificate!).Thumbprint;
    }
}
