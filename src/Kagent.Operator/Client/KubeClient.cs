using System.Security.Cryptography.X509Certificates;
using k8s;

namespace Kagent.Operator.Client;

/// <summary>
/// A Kubernetes client that can also send raw requests (list pages and watch streams of any resource, core or
/// custom) through the same handler chain: credentials, rate limits and timeouts, then <see cref="ClientTransport"/>,
/// whose credentials can be replaced while the client runs (<see cref="UseCredentials"/>).
/// </summary>
public class KubeClient : Kubernetes
{
    private readonly ClientTransport _transport;

    static KubeClient() => KubeJson.Configure();

    public KubeClient(KubernetesClientConfiguration config, params DelegatingHandler[] handlers)
        : this(config, new ClientTransport(config), handlers)
    {
    }

    private KubeClient(KubernetesClientConfiguration config, ClientTransport transport, DelegatingHandler[] handlers)
        : base(config, [.. handlers, transport])
    {
        _transport = transport;
    }

    /// <summary>The client certificate this client presents now; null when it authenticates otherwise.</summary>
    public X509Certificate2? ClientCertificate => _transport.Certificate;

    /// <summary>Switches to the client certificate and token of <paramref name="config"/> (same server); true when they changed.</summary>
    public bool UseCredentials(KubernetesClientConfiguration config) => _transport.Use(config);

    /// <summary>Sends a request to a path relative to the server (such as "api/v1/pods?limit=500"); non-2xx answers throw HttpOperationException.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relativeUri, object? body = null, CancellationToken cancellationToken = default) =>
        SendRequest(relativeUri.TrimStart('/'), method, customHeaders: null, body, cancellationToken);

    public static KubeClient FromKubeconfig(string path, string? context = null, params DelegatingHandler[] handlers) =>
        new(KubeconfigFile.Load(path, context), handlers);
}
