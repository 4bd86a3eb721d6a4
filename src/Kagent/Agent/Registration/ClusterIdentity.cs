using System.Net;
using k8s;
using k8s.Autorest;
using Kagent.Api.About;
using Kagent.Operator.Client;

namespace Kagent.Agent.Registration;

/// <summary>
/// The member cluster's id: the value of its ClusterProperty cluster.clusterset.k8s.io (about.k8s.io) when it has one,
/// else the UID of its kube-system namespace (what karmada-agent uses).
/// </summary>
public static class ClusterIdentity
{
    public static async Task<string> ResolveAsync(KubeClient member, CancellationToken cancellationToken)
    {
        try
        {
            var property = await new EntityClient<ClusterProperty>(member).GetAsync(ClusterProperty.ClusterIdName, cancellationToken: cancellationToken);
            if (!string.IsNullOrWhiteSpace(property?.Spec.Value)) return property.Spec.Value.Trim();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            // No ClusterProperty API in this cluster, or not readable: fall back.
        }

        var kubeSystem = await member.CoreV1.ReadNamespaceAsync("kube-system", cancellationToken: cancellationToken);
        return kubeSystem.Metadata.Uid;
    }
}
