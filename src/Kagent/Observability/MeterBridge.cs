using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Kagent.Observability;

/// <summary>
/// Exports the System.Diagnostics.Metrics instruments of Kagent's own meters (the operator runtime's, its work queues'
/// and leader election's, and the API clients') into this process's Prometheus registry under their own names:
/// counters as counters, histograms as histograms, up-down counters and observable gauges as gauges. Label names
/// are the measurement's tag names, in the order the instrument's code passes them. Several instruments of one name
/// (one per work queue) share the one Prometheus metric, told apart by their labels.
/// </summary>
public sealed class MeterBridge : IDisposable
{
    /// <summary>
    /// The tag names of the instruments of an exported meter; null for other meters. A method, not a static table:
    /// it runs while the instruments' own static initializers run.
    /// </summary>
    private static IReadOnlyDictionary<string, string[]>? TagNamesOf(string meter) => meter switch
    {
        Operator.Diagnostics.OperatorInstruments.MeterName => Operator.Diagnostics.OperatorInstruments.TagNames,
        Kube.ClientInstruments.MeterName => Kube.ClientInstruments.TagNames,
        Operator.Queue.WorkQueueMetrics.MeterName => Operator.Queue.WorkQueueMetrics.TagNames,
        Operator.Hosting.OperatorHost.MeterName => Operator.Hosting.OperatorHost.TagNames,
        _ => null,
    };

    /// <summary>Request latencies: 5 ms to about 40 s.</summary>
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.005, 2, 14);

    private readonly IMetricFactory _factory;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Collector> _collectors = new();

    public MeterBridge(KagentMetrics metrics, CollectorRegistryHolder registry)
    {
        _factory = metrics.Factory;

        // Observable gauges (work in progress, leadership) are read when Prometheus scrapes.
        registry.Registry.AddBeforeCollectCallback(() => _listener.RecordObservableInstruments());
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (TagNamesOf(instrument.Meter.Name) is not { } tagNames) return;

            // Published at once (with no series yet), so that a scrape shows every metric Kagent has.
            if (tagNames.TryGetValue(instrument.Name, out var labels)) _collectors.GetOrAdd(instrument, i => Create(i, labels));
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var values = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++) values[i] = tags[i].Value?.ToString() ?? "";
        if (!_collectors.TryGetValue(instrument, out var collector))
        {
            // An instrument with no declared tag names: its first measurement names the labels.
            var names = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++) names[i] = tags[i].Key;
            collector = _collectors.GetOrAdd(instrument, (i, labels) => Create(i, labels), names);
        }

        switch (collector)
        {
            case Counter counter:
                counter.WithLabels(values).Inc(value);
                break;
            case Gauge gauge when instrument is UpDownCounter<long>:
                gauge.WithLabels(values).Inc(value);
                break;
            case Gauge gauge:
                gauge.WithLabels(values).Set(value);
                break;
            case Histogram histogram:
                histogram.WithLabels(values).Observe(value);
                break;
        }
    }

    private Collector Create(Instrument instrument, string[] labels) => instrument switch
    {
        Histogram<double> => _factory.CreateHistogram(instrument.Name, instrument.Description ?? instrument.Name,
            labels, new HistogramConfiguration { Buckets = LatencyBuckets }),
        UpDownCounter<long> or ObservableGauge<double> or ObservableGauge<long> => _factory.CreateGauge(instrument.Name, instrument.Description ?? instrument.Name, labels),
        _ => _factory.CreateCounter(instrument.Name, instrument.Description ?? instrument.Name, labels),
    };

    public void Dispose() => _listener.Dispose();
}
