namespace Kagent.Agent.Status;

/// <summary>Where a node runs: its zone and region labels, and its provider (the scheme of its providerID).</summary>
public sealed record NodePlacement(string? Zone, string? Region, string? Provider)
{
    public static readonly NodePlacement None = new(null, null, null);

    public static NodePlacement Of(string? zone, string? region, string? provider) =>
        zone is null && region is null && provider is null ? None : new NodePlacement(zone, region, provider);
}
