using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using k8s;
using Kagent.Aggregation.Security;
using Kagent.Operator.Client;
using Kagent.Operator.Tls;
using Kagent.Testing.Faults;
using Kagent.Testing.Pki;
using Xunit;

namespace Kagent.UnitTests.Security;

/// <summary>
/// No certificate makes Kagent fetch anything: the issuer (AIA), OCSP and CRL URLs a certificate names point here
/// at a listener that counts connections, and every place that builds a chain must leave it at zero and answer at
/// once (a fetch would wait up to 15 s). The hub's TLS port is covered in AggregatedApiTests, with its fixture.
/// </summary>
public sealed class CertificateFetchTests
{
    /// <summary>Far below the 15 s a URL retrieval may take; the checks themselves take milliseconds.</summary>
    private static readonly TimeSpan NoFetchBound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Front_proxy_check_fetches_nothing_a_client_certificate_names()
    {
        await using var counter = new ConnectionCounter();
        var frontProxyCa = CertificateAuthority.Create("front-proxy-ca");
        var stranger = CertificateAuthority.Create("stranger-ca");
        var settings = new RequestHeaderSettings([frontProxyCa.Certificate], ["front-proxy-client"], ["X-Remote-User"], [], ["X-Remote-Group"], ["X-Remote-Extra-"]);
        var urls = CertificateAuthority.FetchableUrls(counter.BaseUrl).ToList();
        var now = DateTimeOffset.UtcNow;
        var cases = new (string What, PemPair Certificate)[]
        {
            ("issued by an unknown CA, naming its issuer, OCSP and CRL URLs", stranger.IssueClient("front-proxy-client", [], extensions: urls)),
            ("self-signed with the same URLs", SelfSigned(urls)),
            ("expired, from the right CA, with the URLs", frontProxyCa.IssueClient("front-proxy-client", [], TimeSpan.FromMinutes(1), now.AddHours(-2), urls)),
            ("for servers only (wrong usage)", frontProxyCa.IssueServing("front-proxy-client", ["localhost"], [], extensions: urls)),
        };

        foreach (var (what, pem) in cases)
        {
            using var certificate = pem.ToX509();
            var watch = Stopwatch.StartNew();
            var problem = FrontProxyAuthenticationHandler.Verify(certificate, settings);
            Assert.True(problem is not null, $"{what}: accepted");
            Assert.True(watch.Elapsed < NoFetchBound, $"{what}: took {watch.Elapsed}");
        }

        Assert.Equal(0, counter.Connections);
        using var good = frontProxyCa.IssueClient("front-proxy-client", [], extensions: urls).ToX509();
        Assert.Null(FrontProxyAuthenticationHandler.Verify(good, settings));
        Assert.Equal(0, counter.Connections);
    }

    [Fact]
    public async Task Api_server_check_fetches_nothing_a_server_certificate_names()
    {
        // Every connection Kagent makes to an API server (agent to member and to the control plane, hub to the
        // control plane, the hub's probes of members) is a KubeClient.
        await using var counter = new ConnectionCounter();
        var trusted = CertificateAuthority.Create("trusted-ca");
        var stranger = CertificateAuthority.Create("stranger-ca");
        var urls = CertificateAuthority.FetchableUrls(counter.BaseUrl).ToList();
        using var serving = stranger.IssueServing("apiserver", ["localhost"], [IPAddress.Loopback], extensions: urls).ToClientCertificate();
        await using var server = new TlsServer(serving);

        using var client = new KubeClient(new KubernetesClientConfiguration
        {
            Host = $"https://127.0.0.1:{server.Port}", SslCaCerts = [trusted.Certificate], AccessToken = "token",
        });
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.CoreV1.ListNamespaceAsync());
        Assert.True(watch.Elapsed < NoFetchBound, $"took {watch.Elapsed}");
        Assert.Equal(0, counter.Connections);
    }

    [Fact]
    public async Task Api_server_check_still_accepts_the_kubeconfigs_ca_and_refuses_a_wrong_name()
    {
        await using var counter = new ConnectionCounter();
        var trusted = CertificateAuthority.Create("trusted-ca");
        var urls = CertificateAuthority.FetchableUrls(counter.BaseUrl).ToList();
        using var serving = trusted.IssueServing("apiserver", ["kube.example"], [IPAddress.Loopback], extensions: urls).ToClientCertificate();
        await using var server = new TlsServer(serving);

        Assert.Null(CertificateChains.Verify(serving, [trusted.Certificate], CertificateChains.ServerAuthentication));
        var handler = new SocketsHttpHandler();
        CertificateChains.TrustOnly(handler.SslOptions, [trusted.Certificate]);
        using var byAddress = new HttpClient(handler);
        Assert.Equal("ok", await byAddress.GetStringAsync($"https://127.0.0.1:{server.Port}/"));
        // The certificate names 127.0.0.1 and kube.example, not localhost.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => byAddress.GetStringAsync($"https://localhost:{server.Port}/"));
        Assert.Equal(0, counter.Connections);
    }

    private static PemPair SelfSigned(IEnumerable<X509Extension> extensions)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=front-proxy-client", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var extension in extensions) request.CertificateExtensions.Add(extension);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
        return new PemPair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A TLS server that answers every HTTP request with "ok", presenting one certificate.</summary>
    private sealed class TlsServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public TlsServer(X509Certificate2 certificate)
        {
            _listener.Start();
            _serving = ServeAsync(certificate);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private async Task ServeAsync(X509Certificate2 certificate)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    await using var tls = new SslStream(client.GetStream());
                    // Offline: this server must not fetch its own certificate's issuer either, or the count would be its.
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),
                    }, _stop.Token);
                    var buffer = new byte[4096];
                    _ = await tls.ReadAsync(buffer, _stop.Token);
                    await tls.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray(), _stop.Token);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or SocketException)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
        }
    }
}
