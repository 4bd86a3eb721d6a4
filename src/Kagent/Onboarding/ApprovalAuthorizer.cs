using k8s;
using k8s.Models;
using Kagent.Api.V1Alpha1;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>Asks the control plane whether a user may approve a registration (verb approve on clusterregistrations.kagent.io).</summary>
public sealed class ApprovalAuthorizer([FromKeyedServices(ClusterNames.Karmada)] KubeClient client)
{
    public async Task<bool> MayApproveAsync(AdmissionUserInfo user, string registrationName, CancellationToken cancellationToken)
    {
        var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Username,
                Uid = user.Uid,
                Groups = user.Groups?.ToList(),
                Extra = user.Extra?.ToDictionary(kv => kv.Key, kv => (IList<string>)kv.Value.ToList()),
                ResourceAttributes = new V1ResourceAttributes
                {
                    Group = KagentConstants.Group,
                    Resource = OnboardingConstants.Plural,
                    Verb = OnboardingConstants.ApproveVerb,
                    Name = registrationName,
                },
            },
        }, cancellationToken: cancellationToken);
        return review.Status?.Allowed == true;
    }
}
