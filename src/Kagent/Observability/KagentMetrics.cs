using Prometheus;

namespace Kagent.Observability;

/// <summary>The process's own Prometheus registry (not the library's static default), so hosts stay independent.</summary>
public sealed class CollectorRegistryHolder
{
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
}

/// <summary>Kagent's own metrics, named kagent_*.</summary>
public sealed class KagentMetrics
{
    public KagentMetrics(CollectorRegistryHolder holder)
    {
        var factory = Metrics.WithCustomRegistry(holder.Registry);
        DotNetStats.Register(holder.Registry);
        BuildInfo = factory.CreateGauge("kagent_build_info", "Kagent's version and commit; always 1.", "version", "commit");
        BuildInfo.WithLabels(Kagent.BuildInfo.Version, Kagent.BuildInfo.Commit).Set(1);
        ClusterReachable = factory.CreateGauge("kagent_cluster_reachable", "1 when the named API server answered its last check, else 0.", "cluster");
        Factory = factory;
    }

    /// <summary>For features that register metrics of their own in the same registry.</summary>
    public IMetricFactory Factory { get; }

    public Gauge BuildInfo { get; }

    public Gauge ClusterReachable { get; }
}
