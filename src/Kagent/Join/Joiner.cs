using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Agent.Credentials;
using Kagent.Agent.Registration;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Tls;

namespace Kagent.Join;

public sealed record JoinOptions
{
    /// <summary>The control plane's address, https://host:port, as the joiner typed it.</summary>
    public required string Server { get; init; }

    public required BootstrapToken Token { get; init; }

    /// <summary>CA pins; none only with --discovery-token-unsafe-skip-ca-verification.</summary>
    public required IReadOnlyList<string> CaPins { get; init; }

    public required string ClusterName { get; init; }

    public required KubeconfigSource Member { get; init; }

    public string Namespace { get; init; } = "kagent-system";

    public string SecretName { get; init; } = "kagent-karmada-kubeconfig";

    public string SecretKey { get; init; } = "karmada.kubeconfig";

    public TimeSpan DiscoveryTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public int CertificateExpirationSeconds { get; init; } = 31536000;

    public string? ApiEndpoint { get; init; }

    public string? Provider { get; init; }

    public string? Region { get; init; }

    public IReadOnlyList<string> Zones { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Once joined, print config/agent for this cluster (on standard output; progress then goes to standard error).</summary>
    public bool PrintAgentManifests { get; init; }
}

/// <summary>
/// `kagent join`: joins a member to the control plane with a bootstrap token. Checks the member first, finds and
/// verifies the control plane (<see cref="ControlPlaneDiscovery"/>), asks for the cluster's ClusterRegistration as
/// the token, files a CertificateSigningRequest for the agent's identity system:karmada:agent:&lt;cluster&gt; with a key
/// made here, waits until it is signed, and only then writes the agent's kubeconfig Secret in the member (and, on
/// request, prints the agent's manifests for it). A step that fails leaves nothing the next `kagent join` trips over.
/// </summary>
public sealed class Joiner(TextWriter progress, TextWriter output, TimeProvider time)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public async Task<int> RunAsync(JoinOptions options, CancellationToken cancellationToken)
    {
        using var member = new KubeClient(KubeconfigLoader.Load(options.Member));
        var (clusterId, version) = await CheckMemberAsync(member, options, cancellationToken);
        var controlPlane = await new ControlPlaneDiscovery(progress, time).DiscoverAsync(options.Server, options.Token, options.CaPins, options.DiscoveryTimeout, cancellationToken);

        using var bootstrap = new KubeClient(new KubernetesClientConfiguration
        {
            Host = controlPlane.Server,
            AccessToken = options.Token.Value,
            SslCaCerts = [.. CertificateChains.FromPem(controlPlane.CaPem)],
        });
        await RequestRegistrationAsync(bootstrap, options, clusterId, version, cancellationToken);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csrName = await RequestCertificateAsync(bootstrap, options, clusterId, key, cancellationToken);
        var certificatePem = await WaitForCertificateAsync(bootstrap, csrName, options, cancellationToken);

        var kubeconfig = KubeconfigFile.ForClientCertificate("karmada-apiserver", controlPlane.Server, controlPlane.CaPem, options.ClusterName, certificatePem, key.ExportECPrivateKeyPem());
        await WriteSecretAsync(member, options, kubeconfig, cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        await progress.WriteLineAsync($"Joined {options.ClusterName}: Secret {options.Namespace}/{options.SecretName} holds the agent's kubeconfig for " +
                                      $"{OnboardingConstants.AgentUserFor(options.ClusterName)} (certificate valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}).");
        if (options.PrintAgentManifests)
        {
            await progress.WriteLineAsync($"The agent's manifests for {options.ClusterName} follow on standard output: kubectl apply -f them to the member.");
            await output.WriteAsync(AgentManifests.Render(options.ClusterName, options.ApiEndpoint));
        }
        else
        {
            await progress.WriteLineAsync($"Next: run the agent with --cluster-name={options.ClusterName}: kubectl apply -k config/agent with that name in deployment.yaml, " +
                                          "or kagent join --print-agent-manifests | kubectl apply -f -; it renews the certificate itself.");
        }

        return 0;
    }

    /// <summary>Before anything in the control plane: the member is reachable and has the agent's namespace.</summary>
    private async Task<(string ClusterId, string Version)> CheckMemberAsync(KubeClient member, JoinOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await member.CoreV1.ReadNamespaceAsync(options.Namespace, cancellationToken: cancellationToken);
            var clusterId = await ClusterIdentity.ResolveAsync(member, cancellationToken);
            var version = (await member.Version.GetCodeAsync(cancellationToken)).GitVersion;
            await progress.WriteLineAsync($"[preflight] member {options.ClusterName}: Kubernetes {version}, cluster id {clusterId}");
            return (clusterId, version);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new JoinFailedException($"the member has no namespace {options.Namespace}: apply config/agent first (kubectl apply -k config/agent), or name the agent's namespace with --namespace");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new JoinFailedException($"the member's kubeconfig may not read namespaces ({(int)e.Response.StatusCode}); join with an identity that may write Secrets in {options.Namespace}");
        }
        catch (HttpRequestException e)
        {
            throw new JoinFailedException($"cannot reach the member's API server ({e.Message}); check --kubeconfig");
        }
    }

    /// <summary>The cluster's ClusterRegistration, asked for as the token; admission refuses a name another cluster holds.</summary>
    private async Task RequestRegistrationAsync(KubeClient bootstrap, JoinOptions options, string clusterId, string version, CancellationToken cancellationToken)
    {
        var registration = new ClusterRegistration
        {
            Metadata = new V1ObjectMeta
            {
                Name = options.ClusterName,
                Annotations = new Dictionary<string, string> { [OnboardingConstants.RequestedByAnnotation] = options.Token.User },
            },
            Spec = new ClusterRegistrationSpec
            {
                ClusterId = clusterId,
                KubernetesVersion = version,
                SyncMode = KarmadaConstants.SyncModePull,
                ApiEndpoint = options.ApiEndpoint,
                Provider = options.Provider,
                Region = options.Region,
                Zones = options.Zones.Count > 0 ? [.. options.Zones] : null,
                Labels = options.Labels.Count > 0 ? options.Labels.ToDictionary() : null,
            },
        };
        try
        {
            await new EntityClient<ClusterRegistration>(bootstrap).CreateAsync(registration, cancellationToken);
            await progress.WriteLineAsync($"[registration] asked for ClusterRegistration {options.ClusterName}");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // This token asked before (admission refuses another's name): a join again after a failed one.
            await progress.WriteLineAsync($"[registration] ClusterRegistration {options.ClusterName} exists, asked for with this token");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Unauthorized)
        {
            throw new JoinFailedException($"the control plane does not accept token {options.Token.Id} (401): it is unknown or expired; make a new one with kagent token create");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity)
        {
            throw new JoinFailedException($"ClusterRegistration {options.ClusterName} refused: {RegistrationAgent.DenialMessage(e)}");
        }
    }

    private async Task<string> RequestCertificateAsync(KubeClient bootstrap, JoinOptions options, string clusterId, ECDsa key, CancellationToken cancellationToken)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName(OnboardingConstants.AgentGroup);
        subject.AddCommonName(OnboardingConstants.AgentUserFor(options.ClusterName));
        var name = $"{options.ClusterName}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()[..5]}";
        await bootstrap.CertificatesV1.CreateCertificateSigningRequestAsync(
            AgentCertificateRequest.Build(name, subject.Build(), key, options.CertificateExpirationSeconds,
                new Dictionary<string, string> { [OnboardingConstants.ClusterIdAnnotation] = clusterId }),
            cancellationToken: cancellationToken);
        await progress.WriteLineAsync($"[certificate] filed CertificateSigningRequest {name} for {OnboardingConstants.AgentUserFor(options.ClusterName)}");
        return name;
    }

    private async Task<string> WaitForCertificateAsync(KubeClient bootstrap, string name, JoinOptions options, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.ApprovalTimeout;
        var reported = false;
        while (true)
        {
            var csr = await bootstrap.CertificatesV1.ReadCertificateSigningRequestAsync(name, cancellationToken: cancellationToken);
            if (csr.Status?.Conditions?.FirstOrDefault(c => c.Type is "Denied" or "Failed" && c.Status == "True") is { } refused)
                throw new JoinFailedException($"CertificateSigningRequest {name} was {refused.Type.ToLowerInvariant()} ({refused.Reason}: {refused.Message}); nothing was written to the member");
            if (csr.Status?.Certificate is { Length: > 0 } issued) return Encoding.UTF8.GetString(issued);
            if (time.GetUtcNow() >= deadline)
                throw new JoinFailedException($"CertificateSigningRequest {name} was not signed within {options.ApprovalTimeout.TotalSeconds:0}s; nothing was written to the member. " +
                                              $"The hub approves it once ClusterRegistration {options.ClusterName} is accepted (kubectl describe csr {name} says why not), " +
                                              "else: kubectl certificate approve " + name + "; then run kagent join again");
            if (!reported)
                await progress.WriteLineAsync($"[certificate] waiting up to {options.ApprovalTimeout.TotalSeconds:0}s for approval: the hub approves once ClusterRegistration {options.ClusterName} " +
                                              $"is accepted ({Onboarding.RegistrationController.ApprovalHint(options.ClusterName)})");
            reported = true;
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    private static async Task WriteSecretAsync(KubeClient member, JoinOptions options, string kubeconfig, CancellationToken cancellationToken)
    {
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = options.SecretName,
                NamespaceProperty = options.Namespace,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "kagent", ["app.kubernetes.io/component"] = "agent" },
            },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]> { [options.SecretKey] = Encoding.UTF8.GetBytes(kubeconfig) },
        };
        try
        {
            await member.CoreV1.CreateNamespacedSecretAsync(secret, options.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await member.CoreV1.ReplaceNamespacedSecretAsync(secret, options.SecretName, options.Namespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new JoinFailedException($"the member's kubeconfig may not write Secret {options.Namespace}/{options.SecretName}; the certificate is signed but unused: join again with an identity that may");
        }
    }
}
