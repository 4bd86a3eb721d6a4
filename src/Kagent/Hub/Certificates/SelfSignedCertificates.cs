using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Hosting;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Hub.Certificates;

/// <summary>
/// `kagent hub --self-signed-certs`: a CA and serving certificate kept in a Secret that every replica shares,
/// renewed before expiry (whichever replica sees it first writes; the others pick it up), served from memory,
/// and the CA bundle injected into the onboarding ValidatingWebhookConfiguration and the APIService
/// v1alpha1.kagent.io, so that kube-apiserver trusts the hub without cert-manager.
/// </summary>
public sealed class SelfSignedCertificates(KubeClient client, SelfSignedCertificateOptions options, TimeProvider time, ILogger<SelfSignedCertificates> logger)
    : BackgroundService, IServingCertificate, IHostedLifecycleService
{
    private readonly CaBundleInjector _injector = new(client, logger);
    private X509Certificate2? _current;
    private string? _servedPem;

    public X509Certificate2 Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("the self-signed serving certificate is not loaded yet");

    /// <summary>How often the Secret is read again: a twentieth of the validity, between 1 second and 5 minutes.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromTicks(Math.Clamp(options.Validity.Ticks / 20, TimeSpan.TicksPerSecond, TimeSpan.FromMinutes(5).Ticks));

    /// <summary>Makes sure the Secret holds good certificates, serves them and injects the CA bundle. Called before the TLS endpoint starts.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var set = await ReconcileSecretAsync(cancellationToken);
        if (set.Serving.CertificatePem != _servedPem)
        {
            var certificate = set.Serving.ToCertificate();
            Volatile.Write(ref _current, certificate);
            _servedPem = set.Serving.CertificatePem;
            logger.ServingSelfSigned(options.SecretNamespace, options.SecretName, certificate.NotAfter.ToUniversalTime());
        }

        await _injector.InjectAsync(Encoding.UTF8.GetBytes(set.TrustBundle), cancellationToken);
    }

    /// <summary>
    /// The first certificate, before the TLS endpoint starts (the host runs every StartingAsync before any service
    /// starts, Kestrel included): waits (with backoff) while the control plane cannot be reached.
    /// </summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var backoff = new Operator.Cache.Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await EnsureAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                logger.SelfSignedUnavailable(e, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(CheckInterval, time, stoppingToken);
                await EnsureAsync(stoppingToken);
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!failing) logger.SelfSignedCheckFailed(e);
                failing = true;
            }
        }
    }

    /// <summary>Reads the Secret and writes renewed certificates when needed; a concurrent writer wins and is read back.</summary>
    private async Task<CertificateSet> ReconcileSecretAsync(CancellationToken cancellationToken)
    {
        var secret = await ReadSecretAsync(cancellationToken);
        var current = CertificateSet.FromSecretData(secret?.Data);
        var renewed = CertificateSet.Renew(current, options, time.GetUtcNow());
        if (ReferenceEquals(renewed, current)) return current!;

        try
        {
            if (secret is null)
            {
                await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
                {
                    Metadata = new V1ObjectMeta
                    {
                        Name = options.SecretName,
                        NamespaceProperty = options.SecretNamespace,
                        Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "kagent", ["app.kubernetes.io/component"] = "hub" },
                    },
                    Type = "kubernetes.io/tls",
                    Data = renewed.ToSecretData(),
                }, options.SecretNamespace, cancellationToken: cancellationToken);
            }
            else
            {
                secret.Data = renewed.ToSecretData();
                await client.CoreV1.ReplaceNamespacedSecretAsync(secret, options.SecretName, options.SecretNamespace, cancellationToken: cancellationToken);
            }
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Another replica wrote first: use what it wrote.
            return CertificateSet.FromSecretData((await ReadSecretAsync(cancellationToken))?.Data) ?? throw new InvalidOperationException("the certificates Secret changed but holds no certificates");
        }

        logger.CertificatesWritten(current is null ? "a new CA and serving certificate" :
            ReferenceEquals(renewed.Authority, current.Authority) ? "a renewed serving certificate" : "a new CA and serving certificate (the previous CA stays trusted until it expires)",
            options.SecretNamespace, options.SecretName);
        return renewed;
    }

    private Task<V1Secret?> ReadSecretAsync(CancellationToken cancellationToken) =>
        KubeCalls.OrNullIfMissingAsync(() => client.CoreV1.ReadNamespacedSecretAsync(options.SecretName, options.SecretNamespace, cancellationToken: cancellationToken));
}
