using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using Kagent.Operator.Tls;

namespace Kagent.Operator.Client;

/// <summary>
/// The innermost handler of a <see cref="KubeClient"/>: the TLS connections to one API server, presenting the
/// client certificate and bearer token of the current credentials. Credentials can change while the process runs
/// (a rotated kubeconfig Secret): new requests use them at once, on connections of a new handler, and the old
/// handler is closed after a grace period, which ends its connections (a watch resumes on the new one). The
/// server's certificate is checked against the kubeconfig's CA only, with nothing downloaded (<see cref="CertificateChains"/>).
/// </summary>
public sealed class ClientTransport : DelegatingHandler
{
    /// <summary>How long requests already under way keep the connections of replaced credentials.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyCollection<X509Certificate2>? _roots;
    private readonly bool _skipVerify;
    private Current _current;

    public ClientTransport(KubernetesClientConfiguration config)
    {
        _roots = config.SslCaCerts is { Count: > 0 } roots ? roots.ToList() : null;
        _skipVerify = config.SkipTlsVerify;
        _current = Open(config);
    }

    /// <summary>The client certificate presented now; null when the credentials have none.</summary>
    public X509Certificate2? Certificate => Volatile.Read(ref _current).Certificate;

    /// <summary>Switches to the credentials of <paramref name="config"/> (same server and CA); true when they differ from the current ones.</summary>
    public bool Use(KubernetesClientConfiguration config)
    {
        var next = Open(config);
        var previous = Volatile.Read(ref _current);
        if (next.Certificate?.Thumbprint == previous.Certificate?.Thumbprint && next.Token == previous.Token)
        {
            next.Invoker.Dispose();
            return false;
        }

        Volatile.Write(ref _current, next);
        _ = CloseLaterAsync(previous.Invoker);
        return true;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current.Token is { } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return current.Invoker.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Volatile.Read(ref _current).Invoker.Dispose();
        base.Dispose(disposing);
    }

    private static async Task CloseLaterAsync(HttpMessageInvoker invoker)
    {
        await Task.Delay(Grace);
        invoker.Dispose();
    }

    /// <summary>A handler as KubernetesClient builds its own (keep-alive pings on streams such as watches), with these credentials.</summary>
    private Current Open(KubernetesClientConfiguration config)
    {
        var handler = new SocketsHttpHandler
        {
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromMinutes(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };
        if (_skipVerify) SkipVerification(handler.SslOptions);
        else if (_roots is not null) CertificateChains.TrustOnly(handler.SslOptions, _roots);
        var certificate = ClientCertificateOf(config);
        if (certificate is not null) handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
        config.FirstMessageHandlerSetup?.Invoke(handler);
        return new Current(new HttpMessageInvoker(handler, disposeHandler: true), certificate, string.IsNullOrEmpty(config.AccessToken) ? null : config.AccessToken);
    }

    // Only when the kubeconfig (or a Karmada Cluster's insecureSkipTLSVerification) asks for it explicitly.
#pragma warning disable CA5359
    private static void SkipVerification(SslClientAuthenticationOptions options) => options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359

    /// <summary>The kubeconfig's client certificate and key, inline or from files; null when it has none.</summary>
    private static X509Certificate2? ClientCertificateOf(KubernetesClientConfiguration config)
    {
        var certificate = Pem(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Pem(config.ClientCertificateKeyData, config.ClientKeyFilePath);
        return certificate is null || key is null ? null : X509Certificate2.CreateFromPem(certificate, key);
    }

    private static string? Pem(string? base64, string? path) =>
        !string.IsNullOrEmpty(base64) ? Encoding.UTF8.GetString(Convert.FromBase64String(base64)) : !string.IsNullOrEmpty(path) ? File.ReadAllText(path) : null;

    private sealed record Current(HttpMessageInvoker Invoker, X509Certificate2? Certificate, string? Token);
}
