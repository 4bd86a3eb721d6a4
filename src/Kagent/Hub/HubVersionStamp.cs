using System.Net;
using k8s.Autorest;
using Kagent.Api;
using Kagent.Api.Karmada;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Hub;

/// <summary>
/// Stamps the hub's version on every Karmada Cluster (annotation kagent.io/hub-version), where the cluster's agent
/// reads it with the Cluster it reads each status round and compares its own (kagent.io/AgentHealthy): no request
/// of its own, and no permission beyond its Cluster. Written once per Cluster and hub version; put back if removed.
/// </summary>
public sealed class HubVersionStamp(
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient client,
    ILogger<HubVersionStamp> logger) : IEntityController<Cluster>
{
    private readonly EntityClient<Cluster> _clusters = new(client);

    public static string Version => BuildInfo.Version;

    public async Task<ReconciliationResult<Cluster>> ReconcileAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        if (cluster.Metadata.Annotations?.TryGetValue(KagentConstants.HubVersionAnnotation, out var stamped) == true && stamped == Version)
            return ReconciliationResult<Cluster>.Success(cluster);
        try
        {
            var patch = new { metadata = new { annotations = new Dictionary<string, string> { [KagentConstants.HubVersionAnnotation] = Version } } };
            await _clusters.MergePatchAsync(cluster.Metadata.Name, patch, cancellationToken: cancellationToken);
            logger.HubVersionStamped(cluster.Metadata.Name, Version);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }

        return ReconciliationResult<Cluster>.Success(cluster);
    }

    public Task<ReconciliationResult<Cluster>> DeletedAsync(Cluster cluster, CancellationToken cancellationToken) =>
        Task.FromResult(ReconciliationResult<Cluster>.Success(cluster));
}
