using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;

namespace Kagent.Api;

/// <summary>Every custom resource type whose CRD Kagent ships or installs for tests.</summary>
public static class ApiTypes
{
    /// <summary>The kagent.io CRDs, committed under config/crd/bases.</summary>
    public static IReadOnlyList<Type> KagentCrds { get; } = [typeof(ClusterRegistration), typeof(OnboardingPolicy)];

    /// <summary>Karmada's Cluster as a CRD, for control planes without karmada-aggregated-apiserver (tests, the local fleet).</summary>
    public static IReadOnlyList<Type> KarmadaCrds { get; } = [typeof(Cluster)];
}
