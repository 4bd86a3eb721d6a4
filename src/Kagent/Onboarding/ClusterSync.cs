namespace Kagent.Onboarding;

public enum ClusterSync
{
    Created,
    Updated,
    Unchanged,

    /// <summary>A Cluster of that name exists and belongs to another cluster; it is left alone.</summary>
    NameTaken,
}
