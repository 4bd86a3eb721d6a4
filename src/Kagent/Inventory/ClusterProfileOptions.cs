namespace Kagent.Inventory;

/// <summary>`kagent hub --cluster-profile-namespace` and `--cluster-manager-name`: where and as whom ClusterProfiles are published.</summary>
public sealed record ClusterProfileOptions
{
    /// <summary>The inventory's namespace; null turns publishing off.</summary>
    public string? Namespace { get; init; } = "kagent-system";

    /// <summary>spec.clusterManager.name and the x-k8s.io/cluster-manager label of every profile published; never changed on an existing profile.</summary>
    public string ClusterManager { get; init; } = "kagent";
}
