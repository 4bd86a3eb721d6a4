using Kagent.Api.V1Beta1;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>Agents authenticate as system:kagent:agent:&lt;cluster&gt; in group system:kagent:agents.</summary>
public static class AgentIdentity
{
    /// <summary>The cluster an agent identity speaks for, or null when the user is not an agent.</summary>
    public static string? ClusterOf(AdmissionUserInfo user)
    {
        var name = user.Username ?? "";
        var inGroup = user.Groups?.Contains(OnboardingConstants.AgentGroup) == true;
        if (name.StartsWith(OnboardingConstants.AgentUserPrefix, StringComparison.Ordinal)) return name[OnboardingConstants.AgentUserPrefix.Length..];
        return inGroup ? "" : null;
    }
}
