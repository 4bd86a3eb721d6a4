using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Onboarding;

/// <summary>The built-in CertificateSigningRequest as the controller runtime watches it (certificates.k8s.io/v1).</summary>
[KubernetesEntity(Group = "certificates.k8s.io", ApiVersion = "v1", Kind = "CertificateSigningRequest", PluralName = "certificatesigningrequests")]
[EntityScope(EntityScope.Cluster)]
public sealed class CertificateSigningRequest : CustomKubernetesEntity<V1CertificateSigningRequestSpec, V1CertificateSigningRequestStatus>
{
    public bool Decided => Status.Conditions?.Any(c => c.Type is "Approved" or "Denied" or "Failed" && c.Status == "True") == true || Status.Certificate is { Length: > 0 };
}
