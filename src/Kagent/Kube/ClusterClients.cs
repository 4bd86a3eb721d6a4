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

/// <summary>A named connection to one API server; <paramref name="Requests"/> times, counts and logs its requests and knows when it last answered.</summary>
public sealed record ClusterConnection(string Name, string Host, KubeClient Client, RequestObserver Requests);

public static class ClusterClientFactory
{
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(32);

    public static ClusterConnection Create(string name, KubernetesClientConfiguration config, ClientLimits limits, TimeSpan? requestTimeout = null)
    {
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        config.UserAgent = $"kagent/{BuildInfo.Version}";
        var requests = new RequestObserver(name);
        var client = new KubeClient(config,
            new RequestTimeoutHandler(requestTimeout ?? DefaultRequestTimeout), new RateLimitingHandler(limits.Qps, limits.Burst), requests);
        return new ClusterConnection(name, config.Host, client, requests);
    }
}
