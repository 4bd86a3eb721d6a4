using System.Text;
using k8s;
using k8s.Autorest;
using Kagent.Aggregation.Health;
using Kagent.Api.Karmada;
using Kagent.Api.V1Alpha1;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Tls;

namespace Kagent.Aggregation.Probe;

/// <summary>
/// clusterhealths/{name}/probe: probes a member's API server (/readyz?verbose and /livez?verbose) from the control
/// plane, through the Cluster's apiEndpoint, proxy and the credentials its secretRef names (token and caBundle, as
/// Karmada stores them). A Pull cluster the control plane holds no credentials for is answered with its agent's last
/// probe from inside the member (carried on the heartbeat Lease), marked as the agent's and with its age; without
/// one, the answer says why it cannot be probed.
/// </summary>
public sealed class ClusterProber(ClusterHealthMonitor monitor, [FromKeyedServices(ClusterNames.Karmada)] KubeClient controlPlane, TimeProvider time)
{
    public static readonly TimeSpan EndpointTimeout = TimeSpan.FromSeconds(5);

    public async Task<ClusterHealthProbe> ProbeAsync(string name, CancellationToken cancellationToken)
    {
        var cluster = monitor.ClusterOf(name) ?? throw KubeResponses.NotFound(name);
        var unreachable = string.IsNullOrEmpty(cluster.Spec.ApiEndpoint) ? "the Cluster has no spec.apiEndpoint"
            : cluster.Spec.SecretRef is null && cluster.Spec.SyncMode == KarmadaConstants.SyncModePull
                ? "it is a Pull cluster and the control plane holds no credentials for it (spec.secretRef is empty), so its API server cannot be probed from here"
                : null;
        if (unreachable is not null) return ReportedByAgent(cluster) ?? throw Unavailable(name, unreachable);

        using var member = await ClientForAsync(cluster, cancellationToken);
        var probeTime = time.GetUtcNow().UtcDateTime;
        var answers = await Task.WhenAll(
            HealthEndpoint.GetAsync(member, "/readyz?verbose", EndpointTimeout, cancellationToken),
            HealthEndpoint.GetAsync(member, "/livez?verbose", EndpointTimeout, cancellationToken));
        if (answers.All(a => a.Error is not null)) throw Unavailable(name, $"{cluster.Spec.ApiEndpoint} cannot be reached: {answers[0].Error}");

        return new ClusterHealthProbe
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = name, Uid = ClusterHealthBuilder.UidFor(name) },
            ApiEndpoint = cluster.Spec.ApiEndpoint!,
            ProbeTime = probeTime,
            Endpoints = [HealthEndpoint.Report("/readyz", answers[0]), HealthEndpoint.Report("/livez", answers[1])],
        };
    }

    /// <summary>The agent's last probe, from the annotation on the cluster's heartbeat Lease; null when it reported none.</summary>
    private ClusterHealthProbe? ReportedByAgent(Cluster cluster)
    {
        var name = cluster.Metadata.Name;
        if (monitor.LeaseOf(name)?.Lease.Metadata.Annotations?.TryGetValue(ReportedProbe.Annotation, out var json) != true) return null;
        ReportedProbe? reported;
        try
        {
            reported = System.Text.Json.JsonSerializer.Deserialize<ReportedProbe>(json!, KubeJson.Options);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }

        if (reported is null) return null;
        return new ClusterHealthProbe
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = name, Uid = ClusterHealthBuilder.UidFor(name) },
            ApiEndpoint = cluster.Spec.ApiEndpoint ?? "",
            ProbeTime = reported.ProbeTime,
            Endpoints = reported.Endpoints,
            ReportedBy = ProbeReporters.Agent,
            AgeSeconds = Math.Max(0, (long)(time.GetUtcNow().UtcDateTime - reported.ProbeTime).TotalSeconds),
        };
    }

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
            if (secret.Data?.TryGetValue("caBundle", out var ca) == true) config.SslCaCerts = [.. CertificateChains.FromPem(Encoding.UTF8.GetString(ca))];
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
