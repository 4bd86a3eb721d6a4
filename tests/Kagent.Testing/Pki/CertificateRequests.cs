using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Kagent.Api.V1Beta1;

namespace Kagent.Testing.Pki;

/// <summary>The parts of a CertificateSigningRequest an approver judges; by default an agent's well-formed request.</summary>
public sealed record CsrShape(string CommonName)
{
    public IReadOnlyList<string> Organizations { get; init; } = [OnboardingConstants.AgentGroup];

    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>Bits of an RSA key; 0 for ECDSA P-256.</summary>
    public int RsaBits { get; init; }

    public string Signer { get; init; } = OnboardingConstants.ClientSigner;

    public IReadOnlyList<string> Usages { get; init; } = ["digital signature", "key encipherment", "client auth"];

    public string? ClusterId { get; init; }
}

public static class CertificateRequests
{
    public static V1CertificateSigningRequest Build(string name, CsrShape shape)
    {
        var subject = new X500DistinguishedNameBuilder();
        foreach (var organization in shape.Organizations) subject.AddOrganizationName(organization);
        subject.AddCommonName(shape.CommonName);
        using var rsa = shape.RsaBits > 0 ? RSA.Create(shape.RsaBits) : null;
        using var ec = shape.RsaBits > 0 ? null : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = rsa is not null
            ? new CertificateRequest(subject.Build(), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject.Build(), ec!, HashAlgorithmName.SHA256);
        if (shape.DnsNames.Count > 0)
        {
            var sans = new SubjectAlternativeNameBuilder();
            foreach (var dns in shape.DnsNames) sans.AddDnsName(dns);
            request.CertificateExtensions.Add(sans.Build());
        }

        return new V1CertificateSigningRequest
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string> { ["karmada.io/system"] = "true" },
                Annotations = shape.ClusterId is null ? null : new Dictionary<string, string> { [OnboardingConstants.ClusterIdAnnotation] = shape.ClusterId },
            },
            Spec = new V1CertificateSigningRequestSpec
            {
                Request = Encoding.UTF8.GetBytes(request.CreateSigningRequestPem()),
                SignerName = shape.Signer,
                Usages = [.. shape.Usages],
            },
        };
    }

    public static bool IsApproved(V1CertificateSigningRequest csr) =>
        csr.Status?.Conditions?.Any(c => c.Type == "Approved" && c.Status == "True") == true;
}
