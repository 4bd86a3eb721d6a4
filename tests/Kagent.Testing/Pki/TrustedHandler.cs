using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Kagent.Testing.Pki;

public static class TrustedHandler
{
    /// <summary>
    /// An HTTP handler that trusts exactly the given CA (test CAs publish no revocation lists) and presents the client
    /// certificate as it is, without looking up its issuer: a test's client must not fetch the URLs its certificate
    /// names, or it would count as the server's fetch.
    /// </summary>
    public static SocketsHttpHandler For(X509Certificate2 ca, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null) return false;
            if (errors == SslPolicyErrors.None) return true;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(server);
        };
        if (clientCertificate is not null) handler.SslOptions.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true);
        return handler;
    }
}
