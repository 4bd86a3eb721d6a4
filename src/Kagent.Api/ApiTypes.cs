using Kagent.Api.ClusterInventory;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;

namespace Kagent.Api;

/// <summary>Every custom resource type whose CRD Kagent ships or installs for tests.</summary>
public static class ApiTypes
{
    /// <summary>The kagent.io CRDs, committed under config/crd/bases.</summary>
    public static IReadOnlyList<Type> KagentCrds { get; } = [typeof(ClusterRegistration), typeof(OnboardingPolicy), typeof(ClusterAvailability)];

    /// <summary>Karmada's kinds the agent uses, as CRDs for the stand-in control plane (tests, the local fleet): Cluster (which a real
    /// control plane serves from karmada-aggregated-apiserver), Work and ResourceInterpreterCustomization.</summary>
    public static IReadOnlyList<Type> KarmadaCrds { get; } =
        [typeof(Cluster), typeof(Work), typeof(ResourceInterpreterCustomization), typeof(ClusterTaintPolicy), typeof(Remedy)];

    /// <summary>SIG-Multicluster's ClusterProfile, which the hub publishes; committed under config/crd/cluster-inventory.</summary>
    public static IReadOnlyList<Type> ClusterInventoryCrds { get; } = [typeof(ClusterProfile)];
}
