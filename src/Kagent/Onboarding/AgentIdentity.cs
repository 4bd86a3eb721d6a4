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
        if (ClusterOfUser(user.Username) is { } cluster) return cluster;
        var inGroup = user.Groups?.Any(g => g is OnboardingConstants.AgentGroup or OnboardingConstants.LegacyAgentGroup) == true;
        return inGroup ? "" : null;
    }

    /// <summary>The cluster an agent's user name (either identity) speaks for; null for any other user.</summary>
    public static string? ClusterOfUser(string? name)
    {
        foreach (var prefix in (string[])[OnboardingConstants.AgentUserPrefix, OnboardingConstants.LegacyAgentUserPrefix])
            if (name?.StartsWith(prefix, StringComparison.Ordinal) == true) return name[prefix.Length..];
        return null;
    }
}
