using Kagent.Api.V1Beta1;

namespace Kagent.Testing;

/// <summary>The identities Kagent runs as, as the API server sees them (config/rbac and config/agent bind them).</summary>
public static class Identities
{
    public const string Hub = "system:serviceaccount:kagent-system:kagent-hub";

    /// <summary>The agent's ServiceAccount in its member cluster.</summary>
    public const string AgentInMember = "system:serviceaccount:kagent-system:kagent-agent";

    public static readonly string[] ServiceAccountGroups = ["system:serviceaccounts", "system:serviceaccounts:kagent-system"];

    /// <summary>The agent of a cluster in the control plane: user and groups.</summary>
    public static (string User, string[] Groups) AgentInControlPlane(string cluster) =>
        (OnboardingConstants.AgentUserFor(cluster), [OnboardingConstants.AgentGroup]);
}
