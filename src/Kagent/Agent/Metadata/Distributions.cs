namespace Kagent.Agent.Metadata;

/// <summary>The Kubernetes distribution a server version names: vendors mark their builds in the version's suffix.</summary>
public static class Distributions
{
    public const string Upstream = "kubernetes";

    private static readonly (string Marker, string Name)[] Markers =
    [
        ("+k3s", "k3s"), ("+rke2", "rke2"), ("+k0s", "k0s"), ("-eks-", "eks"), ("-gke.", "gke"), ("-aliyun", "ack"), ("-tke.", "tke"),
        ("+iks", "iks"), ("+vmware", "tkg"), ("-mirantis", "mke"),
    ];

    /// <summary>k3s for v1.30.4+k3s1, eks for v1.29.6-eks-db838b0, gke for v1.30.3-gke.1639000, else kubernetes; null without a version.</summary>
    public static string? FromVersion(string? gitVersion)
    {
        if (string.IsNullOrEmpty(gitVersion)) return null;
        foreach (var (marker, name) in Markers)
        {
            if (gitVersion.Contains(marker, StringComparison.OrdinalIgnoreCase)) return name;
        }

        return Upstream;
    }
}
