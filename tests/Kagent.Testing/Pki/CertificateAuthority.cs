using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kagent.Testing.Pki;

/// <summary>A PEM certificate and its private key.</summary>
public sealed record PemPair(string CertificatePem, string KeyPem)
{
    public X509Certificate2 ToX509() => X509Certificate2.CreateFromPem(CertificatePem, KeyPem);

    /// <summary>The pair as a certificate SslStream can present as a client certificate (its key imported, not ephemeral).</summary>
    public X509Certificate2 ToClientCertificate()
    {
        using var certificate = ToX509();
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public void WriteTo(string certificatePath, string keyPath)
    {
        File.WriteAllText(certificatePath, CertificatePem);
        File.WriteAllText(keyPath, KeyPem);
    }
}

/// <summary>An in-process certificate authority (ECDSA P-256) that issues serving and client certificates.</summary>
public sealed class CertificateAuthority
{
    private readonly X509Certificate2 _certificate;
    private readonly ECDsa _key;

    private CertificateAuthority(X509Certificate2 certificate, ECDsa key, string keyPem)
    {
        _certificate = certificate;
        _key = key;
        Pem = new PemPair(certificate.ExportCertificatePem(), keyPem);
    }

    public PemPair Pem { get; }

    public string CertificatePem => Pem.CertificatePem;

    public X509Certificate2 Certificate => _certificate;

    /// <summary>A CA from its PEM files (such as a running test server's client CA).</summary>
    public static CertificateAuthority FromFiles(string certificatePath, string keyPath)
    {
        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
        var key = ECDsa.Create();
        var keyPem = File.ReadAllText(keyPath);
        key.ImportFromPem(keyPem);
        return new CertificateAuthority(certificate, key, keyPem);
    }

    public static CertificateAuthority Create(string commonName, TimeSpan? lifetime = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(lifetime ?? TimeSpan.FromDays(365)));
        return new CertificateAuthority(certificate, key, key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>A TLS serving certificate for the given DNS names and IP addresses.</summary>
    public PemPair IssueServing(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, TimeSpan? lifetime = null,
        IEnumerable<X509Extension>? extensions = null)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames) san.AddDnsName(dns);
        foreach (var ip in addresses) san.AddIpAddress(ip);
        return Issue($"CN={commonName}", serverAuth: true, clientAuth: false, san.Build(), lifetime, extensions: extensions);
    }

    /// <summary>A client certificate: Kubernetes reads the user from CN and the groups from O.</summary>
    public PemPair IssueClient(string user, IEnumerable<string> groups, TimeSpan? lifetime = null, DateTimeOffset? notBefore = null,
        IEnumerable<X509Extension>? extensions = null)
    {
        var subject = new X500DistinguishedNameBuilder();
        foreach (var group in groups) subject.AddOrganizationName(group);
        subject.AddCommonName(user);
        return Issue(subject.Build().Name, serverAuth: false, clientAuth: true, san: null, lifetime, notBefore, extensions);
    }

    /// <summary>
    /// Extensions that name URLs a verifier could fetch: the issuer and OCSP responder (Authority Information Access)
    /// and a CRL distribution point, all under <paramref name="baseUrl"/>.
    /// </summary>
    public static IEnumerable<X509Extension> FetchableUrls(string baseUrl) =>
    [
        new X509AuthorityInformationAccessExtension([$"{baseUrl}/ocsp"], [$"{baseUrl}/issuer.crt"]),
        CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([$"{baseUrl}/revoked.crl"]),
    ];

    private PemPair Issue(string subject, bool serverAuth, bool clientAuth, X509Extension? san, TimeSpan? lifetime, DateTimeOffset? notBefore = null,
        IEnumerable<X509Extension>? extensions = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var usages = new OidCollection();
        if (serverAuth) usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (clientAuth) usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);
        foreach (var extension in extensions ?? []) request.CertificateExtensions.Add(extension);

        var start = notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var end = start.Add(lifetime ?? TimeSpan.FromDays(365));
        if (end > _certificate.NotAfter) end = _certificate.NotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var signed = request.Create(_certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), start, end, serial);
        return new PemPair(signed.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
