using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Kagent.Observability;

/// <summary>
/// Exports Kagent's System.Diagnostics.Metrics instruments into this host's Prometheus registry under their own
/// names: the operator runtime's, its work queues' and leader election's, the API clients', and this host's
/// <see cref="KagentMetrics"/>. Counters as counters, histograms as histograms, gauges, up-down counters and
/// observable gauges as gauges. Labels are named by the instrument's declared tag names, whatever order a
/// measurement passes its tags in. Several instruments of one name (one per work queue) share the one Prometheus
/// metric, told apart by their labels. Observable gauges are read at each scrape, and a series they no longer
/// report disappears.
/// </summary>
public sealed class MeterBridge : IDisposable
{
    /// <summary>Request latencies: 5 ms to about 40 s.</summary>
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.005, 2, 14);

    private readonly IMetricFactory _factory;
    private readonly KagentMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Export> _exports = new();

    public MeterBridge(KagentMetrics metrics, CollectorRegistryHolder registry)
    {
        _metrics = metrics;
        _factory = Metrics.WithCustomRegistry(registry.Registry);
        registry.Registry.AddBeforeCollectCallback(CollectObservables);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ShapeOf(instrument) is not { } shape) return;

            // Published at once (with no series yet), so that a scrape shows every metric Kagent has.
            _exports.GetOrAdd(instrument, i => new Export(Create(i, shape), shape.Labels)
            {
                Seen = i is ObservableGauge<double> or ObservableGauge<long> ? [] : null,
            });
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The label names (and buckets) of an instrument Kagent exports; null for anyone else's.</summary>
    private MetricShape? ShapeOf(Instrument instrument)
    {
        if (_metrics.ShapeOf(instrument) is { } own) return own;
        var tagNames = instrument.Meter.Name switch
        {
            Operator.Diagnostics.OperatorInstruments.MeterName => Operator.Diagnostics.OperatorInstruments.TagNames,
            Kube.ClientInstruments.MeterName => Kube.ClientInstruments.TagNames,
            Operator.Queue.WorkQueueMetrics.MeterName => Operator.Queue.WorkQueueMetrics.TagNames,
            Operator.Hosting.OperatorHost.MeterName => Operator.Hosting.OperatorHost.TagNames,
            _ => null,
        };
        return tagNames is not null && tagNames.TryGetValue(instrument.Name, out var labels) ? new MetricShape(labels, null) : null;
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_exports.TryGetValue(instrument, out var export)) return;
        var values = new string[export.Labels.Length];
        for (var i = 0; i < values.Length; i++) values[i] = "";
        foreach (var tag in tags)
        {
            var index = Array.IndexOf(export.Labels, tag.Key);
            if (index >= 0) values[index] = tag.Value?.ToString() ?? "";
        }

        switch (export.Collector)
        {
            case Counter counter:
                counter.WithLabels(values).Inc(value);
                break;
            case Gauge gauge when instrument is UpDownCounter<long> or UpDownCounter<double>:
                gauge.WithLabels(values).Inc(value);
                break;
            case Gauge gauge:
                gauge.WithLabels(values).Set(value);
                if (export.Seen is { } seen) lock (seen) seen.Add(string.Join('\n', values));
                break;
            case Histogram histogram:
                histogram.WithLabels(values).Observe(value);
                break;
        }
    }

    /// <summary>Before each scrape: reads every observable gauge, then drops the series it did not report.</summary>
    private void CollectObservables()
    {
        var observables = _exports.Where(e => e.Value.Seen is not null).ToList();
        foreach (var (_, export) in observables) lock (export.Seen!) export.Seen.Clear();
        _listener.RecordObservableInstruments();
        foreach (var (_, export) in observables)
        {
            var gauge = (Gauge)export.Collector;
            lock (export.Seen!)
            {
                foreach (var labels in gauge.GetAllLabelValues().ToList())
                {
                    if (!export.Seen.Contains(string.Join('\n', labels))) gauge.RemoveLabelled(labels);
                }
            }
        }
    }

    private Collector Create(Instrument instrument, MetricShape shape) => instrument switch
    {
        Histogram<double> or Histogram<long> => _factory.CreateHistogram(instrument.Name, instrument.Description ?? instrument.Name,
            shape.Labels, new HistogramConfiguration { Buckets = shape.Buckets ?? LatencyBuckets }),
        Gauge<double> or Gauge<long> or UpDownCounter<long> or UpDownCounter<double> or ObservableGauge<double> or ObservableGauge<long> =>
            _factory.CreateGauge(instrument.Name, instrument.Description ?? instrument.Name, shape.Labels),
        _ => _factory.CreateCounter(instrument.Name, instrument.Description ?? instrument.Name, shape.Labels),
    };

    public void Dispose() => _listener.Dispose();

    /// <summary>The Prometheus metric of an instrument; an observable gauge also notes the series each scrape reports.</summary>
    private sealed record Export(Collector Collector, string[] Labels)
    {
        public HashSet<string>? Seen { get; init; }
    }
}
