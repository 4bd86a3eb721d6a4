using Prometheus;

namespace Kagent.Observability;

/// <summary>
/// The process's own Prometheus registry (not the library's static default), so hosts stay independent: what
/// /metrics serves. Kagent's metrics reach it through <see cref="MeterBridge"/>; the .NET process metrics are
/// prometheus-net's own.
/// </summary>
public sealed class CollectorRegistryHolder
{
    public CollectorRegistryHolder() => DotNetStats.Register(Registry);

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
}
