using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Kagent.Hub.Certificates;

/// <summary>
/// What the Secret holds: the CA (certificate and key), the bundle clients trust (the CA, and the previous CA
/// while certificates it signed may still be in use), and the serving certificate.
/// </summary>
public sealed record CertificateSet(PemPair Authority, string TrustBundle, PemPair Serving)
{
    public const string CaCertificateKey = "ca.crt";
    public const string CaKeyKey = "ca.key";
    public const string CertificateKey = "tls.crt";
    public const string KeyKey = "tls.key";

    public static CertificateSet? FromSecretData(IDictionary<string, byte[]>? data)
    {
        string? Text(string key) => data is not null && data.TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value) : null;
        var bundle = Text(CaCertificateKey);
        var caKey = Text(CaKeyKey);
        var certificate = Text(CertificateKey);
        var key = Text(KeyKey);
        if (bundle is null || caKey is null || certificate is null || key is null) return null;
        var authority = FirstCertificatePem(bundle);
        return authority is null ? null : new CertificateSet(new PemPair(authority, caKey), bundle, new PemPair(certificate, key));
    }

    public Dictionary<string, byte[]> ToSecretData() => new()
    {
        [CaCertificateKey] = Encoding.UTF8.GetBytes(TrustBundle),
        [CaKeyKey] = Encoding.UTF8.GetBytes(Authority.KeyPem),
        [CertificateKey] = Encoding.UTF8.GetBytes(Serving.CertificatePem),
        [KeyKey] = Encoding.UTF8.GetBytes(Serving.KeyPem),
    };

    /// <summary>
    /// The set to store: this one where it is still good; else a new serving certificate (a third of its life left,
    /// other hosts, or signed by another CA), and a new CA too when the current one would not outlive a new serving
    /// certificate. Never null; returns this very instance when nothing needs to change.
    /// </summary>
    public static CertificateSet Renew(CertificateSet? current, SelfSignedCertificateOptions options, DateTimeOffset now)
    {
        var authority = current?.Authority;
        var bundle = current?.TrustBundle;
        if (authority is null || !TryRead(authority.CertificatePem, out var ca) || ca.NotAfter <= (now + options.Validity).UtcDateTime)
        {
            var fresh = CertificateIssuer.CreateAuthority("kagent-hub-ca", now, options.Validity * 10);
            var stillTrusted = authority is not null && TryRead(authority.CertificatePem, out var old) && old.NotAfter > now.UtcDateTime ? authority.CertificatePem : "";
            authority = fresh;
            bundle = fresh.CertificatePem + stillTrusted;
        }

        if (current is not null && ReferenceEquals(authority, current.Authority) && ServingIsGood(current.Serving, authority, options, now)) return current;
        return new CertificateSet(authority, bundle!, CertificateIssuer.IssueServing(authority, options.Hosts, now, options.Validity));
    }

    private static bool ServingIsGood(PemPair serving, PemPair authority, SelfSignedCertificateOptions options, DateTimeOffset now)
    {
        if (!TryRead(serving.CertificatePem, out var certificate) || !TryRead(authority.CertificatePem, out var ca)) return false;
        using (certificate)
        using (ca)
        {
            var left = certificate.NotAfter.ToUniversalTime() - now.UtcDateTime;
            return left > options.Validity / 3
                   && certificate.Issuer == ca.Subject
                   && certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier?.Span
                       .SequenceEqual(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().First().SubjectKeyIdentifierBytes.Span) == true
                   && CertificateIssuer.HostsOf(certificate).SetEquals(options.Hosts);
        }
    }

    private static bool TryRead(string pem, out X509Certificate2 certificate)
    {
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            certificate = null!;
            return false;
        }
    }

    private static string? FirstCertificatePem(string bundle)
    {
        const string End = "-----END CERTIFICATE-----";
        var start = bundle.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var end = bundle.IndexOf(End, StringComparison.Ordinal);
        return start < 0 || end < start ? null : bundle[start..(end + End.Length)] + "\n";
    }
}
