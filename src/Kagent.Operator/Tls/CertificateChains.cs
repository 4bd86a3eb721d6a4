using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagent.Operator.Tls;

/// <summary>
/// The one place where Kagent builds X.509 chains, for client certificates it is shown and for the API servers it
/// calls. Trust comes only from the roots given; nothing named in a certificate is fetched (no issuer download
/// from Authority Information Access, no CRL or OCSP request), so that a certificate anyone can present never
/// makes Kagent open a connection (server-side request forgery) or wait on one. Revocation is not checked, as
/// Kubernetes checks none: its certificates are short-lived and rotated.
/// </summary>
public static class CertificateChains
{
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>The certificates of a PEM bundle (a CA bundle may hold several).</summary>
    public static IReadOnlyList<X509Certificate2> FromPem(string pem)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        return [.. certificates];
    }

    /// <summary>A chain policy that trusts only <paramref name="roots"/> and downloads nothing.</summary>
    public static X509ChainPolicy Policy(IEnumerable<X509Certificate2> roots, Oid? usage = null)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(roots.ToArray());
        if (usage is not null) policy.ApplicationPolicy.Add(usage);
        return policy;
    }

    /// <summary>Why <paramref name="certificate"/> does not chain to one of <paramref name="roots"/> for <paramref name="usage"/>, or null when it does.</summary>
    public static string? Verify(X509Certificate2 certificate, IEnumerable<X509Certificate2> roots, Oid usage, IEnumerable<X509Certificate2>? intermediates = null)
    {
        using var chain = new X509Chain { ChainPolicy = Policy(roots, usage) };
        if (intermediates is not null) chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        try
        {
            if (chain.Build(certificate)) return null;
            var reasons = chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct();
            return string.Join("; ", reasons) is { Length: > 0 } joined ? joined : "the chain could not be built";
        }
        finally
        {
            // The elements are copies the chain made; they hold native handles until disposed.
            foreach (var element in chain.ChainElements)
            {
                if (!ReferenceEquals(element.Certificate, certificate)) element.Certificate.Dispose();
            }
        }
    }

    /// <summary>
    /// Makes a TLS client accept only servers whose certificate chains to one of <paramref name="roots"/> and
    /// matches the host name, with nothing downloaded: both for the chain SslStream builds itself and for the check.
    /// </summary>
    public static void TrustOnly(SslClientAuthenticationOptions options, IReadOnlyCollection<X509Certificate2> roots)
    {
        options.CertificateChainPolicy = Policy(roots, ServerAuthentication);
        options.RemoteCertificateValidationCallback = (_, certificate, presented, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
            var intermediates = presented?.ChainPolicy.ExtraStore.Cast<X509Certificate2>().ToList();
            if (certificate is X509Certificate2 server) return Verify(server, roots, ServerAuthentication, intermediates) is null;
            using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return Verify(copy, roots, ServerAuthentication, intermediates) is null;
        };
    }
}
