using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagent.Hub.Certificates;

/// <summary>A certificate and its private key, PEM-encoded.</summary>
public sealed record PemPair(string CertificatePem, string KeyPem)
{
    public X509Certificate2 ToCertificate()
    {
        using var pem = X509Certificate2.CreateFromPem(CertificatePem, KeyPem);
        // Re-imported so that SslStream can use the key.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>Creates the hub's own CA and the serving certificates it signs (ECDSA P-256, SHA-256).</summary>
public static class CertificateIssuer
{
    /// <summary>Backdated, so that a control plane whose clock is a little behind accepts a fresh certificate.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static PemPair CreateAuthority(string commonName, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now - ClockSkew, now + validity);
        return new PemPair(certificate.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public static PemPair IssueServing(PemPair authority, IReadOnlyCollection<string> hosts, DateTimeOffset now, TimeSpan validity)
    {
        using var caCertificate = X509Certificate2.CreateFromPem(authority.CertificatePem);
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(authority.KeyPem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hosts.First()}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCertificate, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var ip)) names.AddIpAddress(ip);
            else names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        var notAfter = now + validity < caCertificate.NotAfter ? now + validity : new DateTimeOffset(caCertificate.NotAfter);
        using var signed = request.Create(caCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - ClockSkew, notAfter, RandomNumberGenerator.GetBytes(16));
        return new PemPair(signed.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>The DNS names and IP addresses a certificate is valid for.</summary>
    public static IReadOnlySet<string> HostsOf(X509Certificate2 certificate)
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            foreach (var name in extension.EnumerateDnsNames()) hosts.Add(name);
            foreach (var ip in extension.EnumerateIPAddresses()) hosts.Add(ip.ToString());
        }

        return hosts;
    }
}
