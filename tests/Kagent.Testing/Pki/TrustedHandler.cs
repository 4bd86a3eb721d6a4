using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Kagent.Testing.Pki;

public static class TrustedHandler
{
    /// <summary>An HTTP handler that trusts exactly the given CA (test CAs publish no revocation lists).</summary>
    public static HttpClientHandler For(X509Certificate2 ca, X509Certificate2? clientCertificate = null)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null) return false;
                if (errors == SslPolicyErrors.None) return true;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        if (clientCertificate is not null) handler.ClientCertificates.Add(clientCertificate);
        return handler;
    }
}
