using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Kube;

/// <summary>A user as an authenticating proxy or admission request names it.</summary>
public sealed record RemoteUser(string Name, string? Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public static RemoteUser From(string name, string? uid, IEnumerable<string>? groups, IEnumerable<KeyValuePair<string, IList<string>>>? extra) =>
        new(name, uid, groups?.ToList() ?? [], extra?.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.ToList()) ?? []);
}

/// <summary>The answer of an authorizer: allowed, or denied with the reason the authorizer gave.</summary>
public sealed record AccessDecision(bool Allowed, string? Reason);

/// <summary>Asks the control plane (SubjectAccessReview) whether a user may do something.</summary>
public sealed class SubjectAccessReviewer([FromKeyedServices(ClusterNames.Karmada)] KubeClient client)
{
    public async Task<AccessDecision> ReviewAsync(RemoteUser user, V1ResourceAttributes? resource, V1NonResourceAttributes? nonResource, CancellationToken cancellationToken)
    {
        var review = await client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec
            {
                User = user.Name,
                Uid = user.Uid,
                Groups = user.Groups.ToList(),
                Extra = user.Extra.Count == 0 ? null : user.Extra.ToDictionary(kv => kv.Key, kv => (IList<string>)kv.Value.ToList()),
                ResourceAttributes = resource,
                NonResourceAttributes = nonResource,
            },
        }, cancellationToken: cancellationToken);
        return new AccessDecision(review.Status?.Allowed == true, review.Status?.Reason);
    }
}
