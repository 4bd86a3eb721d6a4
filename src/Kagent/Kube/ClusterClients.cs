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

/// <summary>
/// A named connection to one API server; <paramref name="Requests"/> times, counts and logs its requests and knows
/// when it last answered, <paramref name="Limiter"/> holds them to the client's QPS and knows when it last held one long.
/// </summary>
public sealed record ClusterConnection(string Name, string Host, KubeClient Client, RequestObserver Requests, RateLimitingHandler Limiter)
{
    /// <summary>The kubeconfig file the connection's credentials come from; null for in-cluster configuration.</summary>
    public Configuration.KubeconfigSource? Source { get; init; }
}
