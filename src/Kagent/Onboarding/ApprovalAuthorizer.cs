using k8s.Models;
using Kagent.Api;
using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>Asks the control plane whether a user may approve a registration (verb approve on clusterregistrations.kagent.io).</summary>
public sealed class ApprovalAuthorizer(SubjectAccessReviewer reviewer)
{
    public async Task<bool> MayApproveAsync(AdmissionUserInfo user, string registrationName, CancellationToken cancellationToken)
    {
        var decision = await reviewer.ReviewAsync(
            RemoteUser.From(user.Username ?? "", user.Uid, user.Groups, user.Extra),
            new V1ResourceAttributes
            {
                Group = KagentConstants.Group,
                Resource = OnboardingConstants.Plural,
                Verb = OnboardingConstants.ApproveVerb,
                Name = registrationName,
            },
            nonResource: null,
            cancellationToken);
        return decision.Allowed;
    }
}
