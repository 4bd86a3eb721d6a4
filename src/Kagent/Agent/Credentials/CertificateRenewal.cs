using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Agent.Credentials;

/// <summary>
/// Renews the agent's control-plane client certificate before it ends, as karmada-agent's certRotation controller
/// does (on by default here): every --cert-rotation-checking-interval, once less than
/// --cert-rotation-remaining-time-threshold of its lifetime is left, a new key and a CertificateSigningRequest for the
/// same subject (signer kubernetes.io/kube-apiserver-client), filed with the current certificate, so that Karmada's
/// agentcsrapproving approves it as the agent's own (subresource selfclusteragent) or a person does. Once signed, the
/// kubeconfig is rewritten with it (the member Secret it is mounted from, or the file itself outside a cluster) and
/// every control-plane connection switches to it at once. Runs on the leading replica only.
/// </summary>
public sealed class CertificateRenewal(
    AgentOptions options,
    IEnumerable<ClusterConnection> connections,
    [FromKeyedServices(ClusterNames.Member)] KubeClient member,
    TimeProvider time,
    ILogger<CertificateRenewal> logger) : IControllerRunner
{
    private readonly ClusterConnection _karmada = connections.Single(c => c.Name == ClusterNames.Karmada);
    private Pending? _pending;

    public string Name => "cert-rotation";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.CertRotation.CheckingInterval, time);
        do
        {
            try
            {
                await CheckAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.CertificateNotRenewed(e, e.Message);
            }
        }
        while (await timer.NextTickOrStopAsync(cancellationToken));
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_pending is { } pending)
        {
            await CollectAsync(pending, cancellationToken);
            return;
        }

        if (_karmada.Client.ClientCertificate is not { } current || !Due(current)) return;
        var csrs = _karmada.Client.CertificatesV1;
        var name = $"kagent-agent-{options.ClusterName}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
        var expirationSeconds = (int)Math.Max(600, (current.NotAfter - current.NotBefore).TotalSeconds);
        using var key = NewKey(current);
        var keyPem = key is RSA rsaKey ? rsaKey.ExportRSAPrivateKeyPem() : ((ECDsa)key).ExportECPrivateKeyPem();
        await csrs.CreateCertificateSigningRequestAsync(AgentCertificateRequest.Build(name, current.SubjectName, key, expirationSeconds),
            cancellationToken: cancellationToken);
        logger.CertificateRenewalRequested(name, current.Subject, current.NotAfter.ToUniversalTime());
        _pending = new Pending(name, keyPem);
        await CollectAsync(_pending, cancellationToken);
    }

    /// <summary>Less than the threshold's share of the lifetime left.</summary>
    private bool Due(X509Certificate2 certificate)
    {
        var lifetime = certificate.NotAfter - certificate.NotBefore;
        var left = certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
        return left < lifetime * options.CertRotation.RemainingTimeThreshold;
    }

    /// <summary>A new key of the current one's kind (RSA at least 2048 bits, or ECDSA P-256).</summary>
    private static AsymmetricAlgorithm NewKey(X509Certificate2 current) =>
        current.GetRSAPublicKey() is { } rsa ? RSA.Create(Math.Max(2048, rsa.KeySize)) : ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Takes the certificate once signed; a denied, failed or vanished request is dropped (the next check files another).</summary>
    private async Task CollectAsync(Pending pending, CancellationToken cancellationToken)
    {
        V1CertificateSigningRequest csr;
        try
        {
            csr = await _karmada.Client.CertificatesV1.ReadCertificateSigningRequestAsync(pending.Name, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            _pending = null;
            logger.CertificateRenewalRefused(pending.Name, "it was deleted before it was signed");
            return;
        }

        if (csr.Status?.Conditions?.FirstOrDefault(c => c.Type is "Denied" or "Failed" && c.Status == "True") is { } refused)
        {
            _pending = null;
            logger.CertificateRenewalRefused(pending.Name, $"{refused.Type}: {refused.Reason} {refused.Message}".Trim());
            return;
        }

        if (csr.Status?.Certificate is not { Length: > 0 } issued)
        {
            if (!pending.Reported) logger.CertificateRenewalWaiting(pending.Name);
            _pending = pending with { Reported = true };
            return;
        }

        var certificatePem = Encoding.UTF8.GetString(issued);
        await StoreAsync(certificatePem, pending.KeyPem, cancellationToken);
        _pending = null;
        using var renewed = X509Certificate2.CreateFromPem(certificatePem);
        logger.CertificateRenewed(pending.Name, renewed.SerialNumber, renewed.NotAfter.ToUniversalTime());
    }

    /// <summary>
    /// Rewrites the kubeconfig with the new certificate: in the member Secret it is mounted from (kubelet updates the
    /// file), or, without that Secret, the file itself; and switches the connections to it now.
    /// </summary>
    private async Task StoreAsync(string certificatePem, string keyPem, CancellationToken cancellationToken)
    {
        var path = KubeconfigLoader.PathOf(options.Karmada) ?? throw new InvalidOperationException("the control-plane kubeconfig has no file to renew");
        var rewritten = KubeconfigFile.WithClientCertificate(await File.ReadAllTextAsync(path, cancellationToken), options.Karmada.Context, certificatePem, keyPem);
        var config = KubeconfigFile.FromText(rewritten, options.Karmada.Context, Path.GetDirectoryName(Path.GetFullPath(path))!);
        var rotation = options.CertRotation;
        V1Secret? secret;
        try
        {
            secret = await member.CoreV1.ReadNamespacedSecretAsync(rotation.SecretName, rotation.SecretNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            secret = null;
        }

        if (secret is not null)
        {
            (secret.Data ??= new Dictionary<string, byte[]>())[Path.GetFileName(path)] = Encoding.UTF8.GetBytes(rewritten);
            await member.CoreV1.ReplaceNamespacedSecretAsync(secret, rotation.SecretName, rotation.SecretNamespace, cancellationToken: cancellationToken);
        }
        else
        {
            var next = path + ".next";
            await File.WriteAllTextAsync(next, rewritten, cancellationToken);
            File.Move(next, path, overwrite: true);
        }

        _karmada.Client.UseCredentials(config);
    }

    private sealed record Pending(string Name, string KeyPem, bool Reported = false);
}
