using Kagent.Api.V1Beta1;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>
/// Agents authenticate as system:karmada:agent:&lt;cluster&gt; in group system:karmada:agents (Karmada's agent identity),
/// or as Kagent's earlier system:kagent:agent:&lt;cluster&gt; in system:kagent:agents.
/// </summary>
public static class AgentIdentity
{
    /// <summary>The cluster an agent identity speaks for, "" for a member of an agent group without a cluster name, or null when the user is not an agent.</summary>
    public static string? ClusterOf(AdmissionUserInfo user)
    {
        var name = user.Username ?? "";
        foreach (var prefix in (string[])[OnboardingConstants.AgentUserPrefix, OnboardingConstants.LegacyAgentUserPrefix])
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return name[prefix.Length..];
        var inGroup = user.Groups?.Any(g => g is OnboardingConstants.AgentGroup or OnboardingConstants.LegacyAgentGroup) == true;
        return inGroup ? "" : null;
    }
}
