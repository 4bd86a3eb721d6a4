namespace Kagent.Api;

/// <summary>
/// The kagent.io API group. An APIService owns a whole group-version, so the two halves of the group live in two
/// versions: the stored onboarding resources (CRDs) in v1beta1, and the computed clusterhealths, served by the
/// hub's aggregated API server behind the APIService v1alpha1.kagent.io, in v1alpha1.
/// </summary>
public static class KagentConstants
{
    public const string Group = "kagent.io";

    /// <summary>ClusterRegistration and OnboardingPolicy (CRDs).</summary>
    public const string Version = "v1beta1";
    public const string GroupVersion = Group + "/" + Version;

    /// <summary>ClusterHealth (the aggregated API).</summary>
    public const string HealthVersion = "v1alpha1";
    public const string HealthGroupVersion = Group + "/" + HealthVersion;

    /// <summary>On each Karmada Cluster a ClusterRegistration made, the version of the hub that serves the fleet; agents compare theirs with it.</summary>
    public const string HubVersionAnnotation = Group + "/hub-version";
}
