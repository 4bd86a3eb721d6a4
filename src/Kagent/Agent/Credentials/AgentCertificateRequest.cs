using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Kagent.Api.V1Beta1;

namespace Kagent.Agent.Credentials;

/// <summary>
/// The CertificateSigningRequest an agent files for its control-plane identity, at join and at every renewal: the
/// client signer, the usages Karmada's approver accepts for the key's kind, and Karmada's karmada.io/system label
/// (the hub's deregistration and csrcleaner find them by it).
/// </summary>
public static class AgentCertificateRequest
{
    /// <summary>The request object for the subject, signed by the key; the usages follow the key's kind (key encipherment for RSA only).</summary>
    public static V1CertificateSigningRequest Build(string name, X500DistinguishedName subject, AsymmetricAlgorithm key, int expirationSeconds,
        IDictionary<string, string>? annotations = null) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string> { ["karmada.io/system"] = "true", ["app.kubernetes.io/managed-by"] = "kagent" },
                Annotations = annotations,
            },
            Spec = new V1CertificateSigningRequestSpec
            {
                Request = Encoding.UTF8.GetBytes(Pem(subject, key)),
                SignerName = OnboardingConstants.ClientSigner,
                Usages = [.. OnboardingConstants.AgentCertificateUsages[key is RSA ? 0 : 1]],
                ExpirationSeconds = expirationSeconds,
            },
        };

    private static string Pem(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem(),
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256).CreateSigningRequestPem(),
        _ => throw new ArgumentException($"a {key.GetType().Name} key cannot sign an agent's certificate request", nameof(key)),
    };
}
