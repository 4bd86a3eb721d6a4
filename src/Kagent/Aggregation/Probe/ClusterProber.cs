using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using Kagent.Aggregation.Health;
using Kagent.Api.Karmada;
using Kagent.Api.V1Alpha1;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Aggregation.Probe;

/// <summary>
/// clusterhealths/{name}/probe: probes a member's API server (/readyz?verbose and /livez?verbose) from the control
/// plane, through the Cluster's apiEndpoint, proxy and the credentials its secretRef names (token and caBundle, as
/// Karmada stores them). Pull clusters usually cannot be reached from the control plane; then the answer says so.
/// </summary>
public sealed class ClusterProber(ClusterHealthMonitor monitor, [FromKeyedServices(ClusterNames.Karmada)] KubeClient controlPlane, TimeProvider time)
{
    public static readonly TimeSpan EndpointTimeout = TimeSpan.FromSeconds(5);

    public async Task<ClusterHealthProbe> ProbeAsync(string name, CancellationToken cancellationToken)
    {
        var cluster = monitor.ClusterOf(name) ?? throw KubeResponses.NotFound(name);
        if (string.IsNullOrEmpty(cluster.Spec.ApiEndpoint)) throw Unavailable(name, "the Cluster has no spec.apiEndpoint");
        if (cluster.Spec.SecretRef is null && cluster.Spec.SyncMode == KarmadaConstants.SyncModePull)
        {
            throw Unavailable(name, "it is a Pull cluster and the control plane holds no credentials for it (spec.secretRef is empty), so its API server cannot be probed from here");
        }

        using var member = await ClientForAsync(cluster, cancellationToken);
        var probeTime = time.GetUtcNow().UtcDateTime;
        var answers = await Task.WhenAll(
            HealthEndpoint.GetAsync(member, "/readyz?verbose", EndpointTimeout, cancellationToken),
            HealthEndpoint.GetAsync(member, "/livez?verbose", EndpointTimeout, cancellationToken));
        if (answers.All(a => a.Error is not null)) throw Unavailable(name, $"{cluster.Spec.ApiEndpoint} cannot be reached: {answers[0].Error}");

        return new ClusterHealthProbe
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = name, Uid = ClusterHealthBuilder.UidFor(name) },
            ApiEndpoint = cluster.Spec.ApiEndpoint,
            ProbeTime = probeTime,
            Endpoints = [Endpoint("/readyz", answers[0]), Endpoint("/livez", answers[1])],
        };
    }

    private static ProbedEndpoint Endpoint(string path, HealthAnswer answer) => new()
    {
        Path = path,
        StatusCode = (int?)answer.Status,
        Ok = answer.Status == System.Net.HttpStatusCode.OK,
        DurationMilliseconds = (long)answer.Duration.TotalMilliseconds,
        Error = answer.Error,
        Checks = answer.Error is null
            ? HealthEndpoint.Checks(answer.Body).Select(c => new ProbeCheck { Name = c.Name, Ok = c.Ok, Message = c.Message }).ToList()
            : null,
    };

    private async Task<KubeClient> ClientForAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        var config = new KubernetesClientConfiguration
        {
            Host = cluster.Spec.ApiEndpoint,
            SkipTlsVerify = cluster.Spec.InsecureSkipTlsVerification == true,
            HttpClientTimeout = Timeout.InfiniteTimeSpan,
            UserAgent = $"kagent/{BuildInfo.Version} (probe)",
        };
        if (!string.IsNullOrEmpty(cluster.Spec.ProxyUrl)) config.FirstMessageHandlerSetup = handler => handler.Proxy = new System.Net.WebProxy(cluster.Spec.ProxyUrl);
        if (cluster.Spec.SecretRef is { } reference)
        {
            k8s.Models.V1Secret secret;
            try
            {
                secret = await controlPlane.CoreV1.ReadNamespacedSecretAsync(reference.Name, reference.Namespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e)
            {
                throw Unavailable(cluster.Metadata.Name, $"its secret {reference.Namespace}/{reference.Name} cannot be read ({(int)e.Response.StatusCode})");
            }

            if (secret.Data?.TryGetValue("token", out var token) == true) config.AccessToken = Encoding.UTF8.GetString(token).Trim();
            if (secret.Data?.TryGetValue("caBundle", out var ca) == true)
            {
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPem(Encoding.UTF8.GetString(ca));
                config.SslCaCerts = authorities;
            }
        }

        return new KubeClient(config);
    }

    private ProbeUnavailableException Unavailable(string name, string why)
    {
        var heartbeat = ClusterHealthBuilder.Heartbeat(monitor.LeaseOf(name), time.GetUtcNow().UtcDateTime);
        var reported = heartbeat?.LastRenewTime is { } renewed
            ? $"its agent last reported {heartbeat.AgeSeconds}s ago ({renewed:yyyy-MM-ddTHH:mm:ssZ})"
            : "no agent has reported for it (no heartbeat Lease)";
        return new ProbeUnavailableException($"cluster {name} cannot be probed from the control plane: {why}; {reported}");
    }
}
