using Kagent.Configuration;
using Kagent.Operator.Tls;

namespace Kagent.Hosting;

/// <summary>
/// Kestrel's listeners: plain HTTP for /metrics and the health endpoints, and the TLS endpoint (webhooks and the
/// aggregated API) with the current serving certificate and client certificates checked by the authentication
/// handler, not by TLS.
/// </summary>
public static class KestrelListeners
{
    public static void Configure(IWebHostBuilder webHost, CommonOptions common, SecureServing? secure, Func<IServingCertificate> certificates)
    {
        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var addresses = ListenAddresses(common).ToList();
            foreach (var address in addresses)
            {
                kestrel.Listen(address.Address, address.Port);
            }

            // With every endpoint disabled Kestrel would fall back to localhost:5000; take an unused loopback port instead.
            if (addresses.Count == 0 && secure is null) kestrel.Listen(System.Net.IPAddress.Loopback, 0);

            if (secure is not null)
            {
                kestrel.Listen(secure.Address.Address, secure.Address.Port, listen => listen.UseHttps(https =>
                {
                    https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                    https.HandshakeTimeout = TimeSpan.FromSeconds(10);   // a client that stalls its handshake holds a connection no longer
                    https.ServerCertificateSelector = (_, _) => certificates().Current;

                    // kube-apiserver calls webhooks without a client certificate and the aggregated API with the
                    // front proxy's: ask for one, accept any at the TLS layer, and let the authentication handler
                    // verify it against the request-header CA (which changes at run time). The chain SslStream builds
                    // for a presented certificate trusts nothing and downloads nothing: the issuer URL of a
                    // certificate anyone can present is never fetched.
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                    https.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = CertificateChains.Policy([], CertificateChains.ClientAuthentication);
                }));
            }
        });
    }

    private static IEnumerable<BindAddress> ListenAddresses(CommonOptions common) =>
        new[] { common.MetricsBindAddress, common.HealthProbeBindAddress }
            .OfType<BindAddress>()
            .DistinctBy(a => (a.Address.ToString(), a.Port));
}
