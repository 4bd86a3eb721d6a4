using k8s;
using Kagent.Configuration;
using Kagent.Operator.Client;

namespace Kagent.Kube;

/// <summary>Names under which clients are registered (keyed services) and reported.</summary>
public static class ClusterNames
{
    /// <summary>The Karmada control plane.</summary>
    public const string Karmada = "karmada";

    /// <summary>The member cluster the agent runs in.</summary>
    public const string Member = "member";
}

/// <summary>A named connection to one API server.</summary>
public sealed record ClusterConnection(string Name, string Host, KubeClient Client);

public static class ClusterClientFactory
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(32);

    public static ClusterConnection Create(string name, KubernetesClientConfiguration config, ClientLimits limits, TimeSpan? requestTimeout = null)
    {
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        config.UserAgent = $"kagent/{BuildInfo.Version}";
        var client = new KubeClient(config,
            new RequestTimeoutHandler(requestTimeout ?? DefaultRequestTimeout), new RateLimitingHandler(limits.Qps, limits.Burst), new RequestMetricsHandler(name));
        return new ClusterConnection(name, config.Host, client);
    }
}
