using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Kagent.Observability;

/// <summary>
/// Kagent's own metrics (kagent_*, and karmada-agent's cluster_* names), as System.Diagnostics.Metrics instruments
/// of one meter per host, the same style as the operator runtime's and the API clients' instruments;
/// <see cref="MeterBridge"/> exports them all to Prometheus. Each instrument is declared here with its label names
/// (and histogram buckets), so that it is on /metrics from the start and its labels are named whatever a
/// measurement's tag order.
/// </summary>
public sealed class KagentMetrics : IDisposable
{
    public const string MeterName = "Kagent";

    private readonly ConcurrentDictionary<string, MetricShape> _shapes = new();

    public KagentMetrics()
    {
        Meter = new Meter(MeterName);
        Measurement<double>[] buildInfo = [new(1, Tag("version", BuildInfo.Version), Tag("commit", BuildInfo.Commit))];
        ObservableGauge("kagent_build_info", "Kagent's version and commit; always 1.", () => buildInfo, "version", "commit");
        ClusterReachable = Gauge("kagent_cluster_reachable", "1 when the named API server answered its last check, else 0.", "cluster");
    }

    /// <summary>This host's meter: another host in the same process (tests) has its own.</summary>
    public Meter Meter { get; }

    /// <summary>1 when the named API server answered its last check; tag cluster.</summary>
    public Gauge<double> ClusterReachable { get; }

    public Counter<double> Counter(string name, string description, params string[] labels)
    {
        _shapes[name] = new MetricShape(labels, null);
        return Meter.CreateCounter<double>(name, description: description);
    }

    public Gauge<double> Gauge(string name, string description, params string[] labels)
    {
        _shapes[name] = new MetricShape(labels, null);
        return Meter.CreateGauge<double>(name, description: description);
    }

    public Histogram<double> Histogram(string name, string description, double[] buckets, params string[] labels)
    {
        _shapes[name] = new MetricShape(labels, buckets);
        return Meter.CreateHistogram<double>(name, description: description);
    }

    /// <summary>A gauge read at each scrape: exactly the series <paramref name="observe"/> returns (others disappear).</summary>
    public ObservableGauge<double> ObservableGauge(string name, string description, Func<IEnumerable<Measurement<double>>> observe, params string[] labels)
    {
        _shapes[name] = new MetricShape(labels, null);
        return Meter.CreateObservableGauge(name, observe, description: description);
    }

    /// <summary>How an instrument of this host's meter is exported; null for any other instrument.</summary>
    public MetricShape? ShapeOf(Instrument instrument) =>
        ReferenceEquals(instrument.Meter, Meter) && _shapes.TryGetValue(instrument.Name, out var shape) ? shape : null;

    public static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    public void Dispose() => Meter.Dispose();
}

/// <summary>The Prometheus label names of an instrument, and its histogram buckets (null: the exporter's default).</summary>
public sealed record MetricShape(string[] Labels, double[]? Buckets);
