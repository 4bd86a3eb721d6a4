using k8s;
using Kagent.Configuration;
using Kagent.Operator.Client;

namespace Kagent.Kube;

public static class ClusterClientFactory
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(32);

    /// <summary>A connection from a kubeconfig flag: its credentials are picked up again when the file changes (<see cref="CredentialReload"/>).</summary>
    public static ClusterConnection Create(string name, KubeconfigSource source, ClientLimits limits) =>
        Create(name, KubeconfigLoader.Load(source), limits) with { Source = KubeconfigLoader.PathOf(source) is null ? null : source };

    public static ClusterConnection Create(string name, KubernetesClientConfiguration config, ClientLimits limits, TimeSpan? requestTimeout = null)
    {
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        config.UserAgent = $"kagent/{BuildInfo.Version}";
        var requests = new RequestObserver(name);
        var limiter = new RateLimitingHandler(name, limits.Qps, limits.Burst);
        var client = new KubeClient(config, new RequestTimeoutHandler(requestTimeout ?? DefaultRequestTimeout), limiter, requests);
        return new ClusterConnection(name, config.Host, client, requests, limiter);
    }
}
