using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Kagent.Testing;

public static class KubernetesExtensions
{
    /// <summary>Creates the namespace unless it exists.</summary>
    public static async Task EnsureNamespaceAsync(this IKubernetes client, string name, IDictionary<string, string>? labels = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }
}
