using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Events;

namespace Kagent.Onboarding;

/// <summary>
/// Approves agents' CertificateSigningRequests by <see cref="JoinRequestRules"/>; kube-controller-manager's signer
/// then signs them. Never denies: what it does not approve stays for a person, with an Event that says why. Runs
/// again for every request when a registration's phase changes (RegistrationController triggers it).
/// </summary>
public sealed class JoinApproval(
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient client,
    OnboardingCaches onboarding,
    EventRecorder events,
    TimeProvider time,
    ILogger<JoinApproval> logger) : IEntityController<CertificateSigningRequest>
{
    public const string ReasonApproved = "KagentApproved";

    public async Task<ReconciliationResult<CertificateSigningRequest>> ReconcileAsync(CertificateSigningRequest csr, CancellationToken cancellationToken)
    {
        if (csr.Decided) return ReconciliationResult<CertificateSigningRequest>.Success(csr);
        await onboarding.Synced.WaitAsync(cancellationToken);
        var registrations = onboarding.Registrations.Items;
        var decision = JoinRequestRules.Decide(csr, name => registrations.FirstOrDefault(r => r.Metadata.Name == name), onboarding.Policies);
        if (decision is null) return ReconciliationResult<CertificateSigningRequest>.Success(csr);

        var involved = ObjectReferences.For(csr);
        switch (decision.Verdict)
        {
            case JoinVerdict.Approve:
                if (await ApproveAsync(csr, decision, cancellationToken))
                {
                    logger.JoinRequestApproved(csr.Metadata.Name, csr.Spec.Username ?? "", decision.Cluster);
                    events.Normal(involved, "Approved", $"approved by the hub: {decision.Message}");
                }

                break;
            case JoinVerdict.Wait:
                events.Normal(involved, "WaitingForAcceptance", decision.Message);
                break;
            default:
                logger.JoinRequestNotApproved(csr.Metadata.Name, csr.Spec.Username ?? "", decision.Message);
                events.Warning(involved, "NotApproved",
                    $"not approved by the hub: {decision.Message}; approve by hand only if this is expected (kubectl certificate approve {csr.Metadata.Name})");
                break;
        }

        return ReconciliationResult<CertificateSigningRequest>.Success(csr);
    }

    /// <summary>Writes the Approved condition through the approval subresource; false when the request changed meanwhile (the watch brings it back).</summary>
    private async Task<bool> ApproveAsync(CertificateSigningRequest csr, JoinDecision decision, CancellationToken cancellationToken)
    {
        var body = KubernetesJson.Deserialize<V1CertificateSigningRequest>(KubernetesJson.Serialize(csr));
        body.Status ??= new V1CertificateSigningRequestStatus();
        (body.Status.Conditions ??= []).Add(new V1CertificateSigningRequestCondition
        {
            Type = "Approved",
            Status = "True",
            Reason = ReasonApproved,
            Message = $"Approved by the Kagent hub: {decision.Message}.",
            LastUpdateTime = time.GetUtcNow().UtcDateTime,
        });
        try
        {
            await client.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(body, csr.Metadata.Name, cancellationToken: cancellationToken);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
