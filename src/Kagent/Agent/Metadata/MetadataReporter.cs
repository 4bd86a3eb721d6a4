using Kagent.Agent.Status;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Metadata;

/// <summary>
/// Keeps ClusterRegistration.spec.discovered current: provider, region and zones from the nodes, the distribution
/// from the server version. Written only when it changes; the hub carries it to the Karmada Cluster where the
/// registration (karmada-agent's --cluster-provider, --cluster-region, --cluster-zones) leaves a field empty.
/// </summary>
public sealed class MetadataReporter(AgentOptions options, KubeClient karmada, ILogger logger)
{
    private readonly EntityClient<ClusterRegistration> _registrations = new(karmada);
    private string? _reported;
    private (long Nodes, string? Version)? _seen;

    public static DiscoveredMetadata Discover(ClusterPlacement placement, string? gitVersion) => new()
    {
        Provider = placement.Provider,
        Region = placement.Region,
        Zones = placement.Zones.Count > 0 ? [.. placement.Zones] : null,
        Distribution = Distributions.FromVersion(gitVersion),
    };

    /// <summary>
    /// Writes what was discovered if it differs from what was last written; a failure is logged and tried again next
    /// round. Nothing is computed while neither the nodes nor the version changed since the last write.
    /// </summary>
    public async Task ReportAsync(ClusterResources resources, string? gitVersion, CancellationToken cancellationToken)
    {
        var seen = (resources.NodesVersion, gitVersion);
        if (_seen == seen) return;
        var discovered = Discover(resources.Placement(), gitVersion);
        var json = KubeJson.Serialize(discovered);
        if (json == _reported)
        {
            _seen = seen;
            return;
        }

        try
        {
            // Every field is named, null included, so that a zone or region gone from the member goes from the registration.
            await _registrations.MergePatchAsync(options.ClusterName, new Dictionary<string, object>
            {
                ["spec"] = new Dictionary<string, object?>
                {
                    ["discovered"] = new Dictionary<string, object?>
                    {
                        ["provider"] = discovered.Provider,
                        ["region"] = discovered.Region,
                        ["zones"] = discovered.Zones,
                        ["distribution"] = discovered.Distribution,
                    },
                },
            }, cancellationToken: cancellationToken);
            _reported = json;
            _seen = seen;
            logger.MetadataDiscovered(options.ClusterName, discovered.Provider ?? "-", discovered.Region ?? "-",
                string.Join(",", discovered.Zones ?? []), discovered.Distribution ?? "-");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.MetadataNotReported(e, options.ClusterName);
        }
    }
}
