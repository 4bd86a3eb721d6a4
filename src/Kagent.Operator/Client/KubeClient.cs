using k8s;

namespace Kagent.Operator.Client;

/// <summary>
/// A Kubernetes client that can also send raw requests (list pages and watch streams of any resource, core or
/// custom) through the same handler chain: TLS, credentials, rate limits and timeouts.
/// </summary>
public class KubeClient(KubernetesClientConfiguration config, params DelegatingHandler[] handlers) : Kubernetes(config, handlers)
{
    static KubeClient() => KubeJson.Configure();

    /// <summary>Sends a request to a path relative to the server (such as "api/v1/pods?limit=500"); non-2xx answers throw HttpOperationException.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relativeUri, object? body = null, CancellationToken cancellationToken = default) =>
        SendRequest(relativeUri.TrimStart('/'), method, customHeaders: null, body, cancellationToken);

    public static KubeClient FromKubeconfig(string path, string? context = null, params DelegatingHandler[] handlers) =>
        new(KubeconfigFile.Load(path, context), handlers);
}
