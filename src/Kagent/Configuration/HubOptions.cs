namespace Kagent.Configuration;

/// <summary>Everything `kagent hub` is configured with.</summary>
public sealed record HubOptions
{
    public required KubeconfigSource ControlPlane { get; init; }

    public required CommonOptions Common { get; init; }
}
