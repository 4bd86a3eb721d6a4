using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Join;
using Kagent.Validation;

namespace Kagent.Onboarding;

public enum JoinVerdict
{
    Approve,
    Wait,
    Refuse,
}

public sealed record JoinDecision(JoinVerdict Verdict, string Cluster, string Message);

/// <summary>
/// Whether the hub approves an agent's CertificateSigningRequest. Only requests for Karmada's agent identity are
/// judged (others are not the hub's business). Approved only when well formed (signer, usages, subject and group
/// exactly as Karmada's approver requires them, no alternative names, an RSA key of 2048 bits or more or an ECDSA
/// P-256/P-384 key, a lifetime of at most a year), filed by a bootstrap token that asked for the cluster's
/// ClusterRegistration (with the same cluster id) or by that cluster's own agent, and once the registration is
/// registered (a token's request) or accepted (the agent's own). A request that can never pass is refused (left
/// pending for a person, with the reason); one whose registration awaits acceptance waits.
/// </summary>
public static class JoinRequestRules
{
    public const int MaxExpirationSeconds = 31536000;

    /// <summary>karmadactl register's admin-equivalent identity: never approved, whatever a registration is named.</summary>
    public const string ReservedClusterName = "rbac-generator";

    public static JoinDecision? Decide(CertificateSigningRequest csr, Func<string, ClusterRegistration?> registrationOf, IReadOnlyCollection<OnboardingPolicy> policies)
    {
        if (csr.Spec.SignerName != OnboardingConstants.ClientSigner || Parse(csr.Spec.Request) is not { } request) return null;
        if (ClusterOf(request) is not { } cluster) return null;
        var commonName = OnboardingConstants.AgentUserFor(cluster);
        JoinDecision Refuse(string why) => new(JoinVerdict.Refuse, cluster, why);

        if (cluster == ReservedClusterName || KubeNames.Dns1123LabelProblem(cluster, KarmadaConstants.MaxClusterNameLength) is not null)
            return Refuse($"the subject {commonName} names no cluster Kagent registers");
        var organizations = Values(request.SubjectName, Oids.Organization);
        if (request.SubjectName.EnumerateRelativeDistinguishedNames().Any(r => r.HasMultipleElements))
            return Refuse("its subject has multi-valued names");
        if (organizations is not [OnboardingConstants.AgentGroup])
            return Refuse($"the subject's organization is [{string.Join(", ", organizations)}], not exactly [{OnboardingConstants.AgentGroup}]");
        if (request.CertificateExtensions.Any(e => e.Oid?.Value == Oids.SubjectAlternativeName))
            return Refuse("it asks for alternative names; an agent's certificate has none");
        var usages = (csr.Spec.Usages ?? []).ToHashSet();
        if (!OnboardingConstants.AgentCertificateUsages.Any(allowed => usages.SetEquals(allowed)))
            return Refuse($"usages [{string.Join(", ", csr.Spec.Usages ?? [])}] are not [{string.Join(", ", OnboardingConstants.AgentCertificateUsages[0])}] or [{string.Join(", ", OnboardingConstants.AgentCertificateUsages[1])}]");
        if (KeyProblem(request.PublicKey) is { } keyProblem) return Refuse(keyProblem);
        // Servers before Kubernetes 1.22 drop the field; there the signer's --cluster-signing-duration bounds the lifetime.
        if (csr.Spec.ExpirationSeconds is > MaxExpirationSeconds)
            return Refuse($"spec.expirationSeconds asks for {csr.Spec.ExpirationSeconds} seconds; at most {MaxExpirationSeconds} (a year)");

        var requester = csr.Spec.Username ?? "";
        var registration = registrationOf(cluster);
        var bootstrap = requester.StartsWith(BootstrapToken.UserPrefix, StringComparison.Ordinal) && csr.Spec.Groups?.Contains(BootstrapToken.Group) == true;
        if (bootstrap)
        {
            if (registration is null) return Refuse($"no ClusterRegistration {cluster} exists; kagent join asks for it before the certificate");
            var askedBy = registration.Metadata.Annotations?.TryGetValue(OnboardingConstants.RequestedByAnnotation, out var by) == true ? by : null;
            if (askedBy != requester)
                return Refuse($"ClusterRegistration {cluster} was asked for by {askedBy ?? "someone else"}, not by {requester}; a token obtains only the identity of the cluster it asked to register");
            var clusterId = csr.Metadata.Annotations?.TryGetValue(OnboardingConstants.ClusterIdAnnotation, out var id) == true ? id : null;
            if (string.IsNullOrEmpty(clusterId) || clusterId != registration.Spec.ClusterId)
                return Refuse($"its cluster id ({OnboardingConstants.ClusterIdAnnotation}: {clusterId ?? "none"}) is not ClusterRegistration {cluster}'s ({registration.Spec.ClusterId ?? "none"})");
        }
        else if (AgentIdentity.ClusterOfUser(requester) != cluster)
        {
            return Refuse($"it was filed by {requester}, neither a bootstrap token nor {cluster}'s own agent");
        }
        else if (registration is null)
        {
            return Refuse($"no ClusterRegistration {cluster} exists");
        }

        if (registration.Metadata.DeletionTimestamp is not null) return Refuse($"ClusterRegistration {cluster} is being deleted");
        var violations = PolicyRules.Violations(registration, policies);
        if (violations.Count > 0) return Refuse($"ClusterRegistration {cluster} breaks onboarding policy: {string.Join("; ", violations)}");
        if (registration.Status.Phase == OnboardingConstants.PhaseDenied) return Refuse($"ClusterRegistration {cluster} is Denied (kubectl describe clusterregistration {cluster})");

        // A token's request waits until the hub has registered the cluster: accepted, and its Karmada Cluster, if one
        // existed before, found to be this cluster (same id) rather than another that holds the name.
        var registered = registration.Status.Phase == OnboardingConstants.PhaseRegistered;
        var accepted = registration.Spec.Accepted == true || PolicyRules.AutoAccepts(policies, violations);
        return registered || (!bootstrap && accepted)
            ? new JoinDecision(JoinVerdict.Approve, cluster, $"ClusterRegistration {cluster} is {(registered ? "registered" : "accepted")} and the request is well formed")
            : new JoinDecision(JoinVerdict.Wait, cluster, $"waiting until ClusterRegistration {cluster} is accepted and registered; {RegistrationController.ApprovalHint(cluster)}");
    }

    /// <summary>The cluster an agent's certificate request is for (its CN system:karmada:agent:&lt;cluster&gt;); null for any other request.</summary>
    public static string? ClusterOf(byte[]? requestPem) => Parse(requestPem) is { } request ? ClusterOf(request) : null;

    private static string? ClusterOf(CertificateRequest request)
    {
        var commonNames = Values(request.SubjectName, Oids.CommonName);
        return commonNames is [{ } commonName] && commonName.StartsWith(OnboardingConstants.AgentUserPrefix, StringComparison.Ordinal)
            ? commonName[OnboardingConstants.AgentUserPrefix.Length..]
            : null;
    }

    private static CertificateRequest? Parse(byte[]? requestPem)
    {
        if (requestPem is not { Length: > 0 }) return null;
        try
        {
            return CertificateRequest.LoadSigningRequestPem(Encoding.UTF8.GetString(requestPem), HashAlgorithmName.SHA256,
                CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string? KeyProblem(PublicKey key)
    {
        if (key.GetRSAPublicKey() is { } rsa)
        {
            using (rsa) return rsa.KeySize >= 2048 ? null : $"its RSA key has {rsa.KeySize} bits; at least 2048 are needed";
        }

        if (key.GetECDsaPublicKey() is { } ec)
        {
            using (ec) return ec.KeySize is 256 or 384 ? null : $"its ECDSA key has {ec.KeySize} bits; P-256 or P-384 are accepted";
        }

        return "its key is neither RSA nor ECDSA";
    }

    private static List<string> Values(X500DistinguishedName name, Oid type) =>
        [.. name.EnumerateRelativeDistinguishedNames().Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == type.Value).Select(r => r.GetSingleElementValue() ?? "")];

    private static class Oids
    {
        public static readonly Oid CommonName = new("2.5.4.3");
        public static readonly Oid Organization = new("2.5.4.10");
        public const string SubjectAlternativeName = "2.5.29.17";
    }
}
