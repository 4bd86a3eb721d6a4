using k8s;
using Kagent.Operator.Tls;

namespace Kagent.Operator.Client;

/// <summary>
/// A Kubernetes client that can also send raw requests (list pages and watch streams of any resource, core or
/// custom) through the same handler chain: TLS, credentials, rate limits and timeouts. The server's certificate is
/// checked against the kubeconfig's CA only, with nothing downloaded (<see cref="CertificateChains"/>).
/// </summary>
public class KubeClient : Kubernetes
{
    static KubeClient() => KubeJson.Configure();

    public KubeClient(KubernetesClientConfiguration config, params DelegatingHandler[] handlers)
        : this(config, new TransportAccess(), handlers)
    {
    }

    private KubeClient(KubernetesClientConfiguration config, TransportAccess transport, DelegatingHandler[] handlers)
        : base(config, [.. handlers, transport])
    {
        transport.SecureServerValidation(config);
    }

    /// <summary>Sends a request to a path relative to the server (such as "api/v1/pods?limit=500"); non-2xx answers throw HttpOperationException.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string relativeUri, object? body = null, CancellationToken cancellationToken = default) =>
        SendRequest(relativeUri.TrimStart('/'), method, customHeaders: null, body, cancellationToken);

    public static KubeClient FromKubeconfig(string path, string? context = null, params DelegatingHandler[] handlers) =>
        new(KubeconfigFile.Load(path, context), handlers);

    /// <summary>
    /// The innermost handler of the chain, which KubernetesClient links to its own SocketsHttpHandler: the way to that
    /// handler's TLS options, which the library keeps private. Its own server check builds the chain with downloads
    /// allowed, on top of the one SslStream builds with the default policy; both are replaced here.
    /// </summary>
    private sealed class TransportAccess : DelegatingHandler
    {
        public void SecureServerValidation(KubernetesClientConfiguration config)
        {
            if (config.SkipTlsVerify || config.SslCaCerts is not { Count: > 0 } roots || InnerHandler is not SocketsHttpHandler transport) return;
            CertificateChains.TrustOnly(transport.SslOptions, roots.ToList());
        }
    }
}
