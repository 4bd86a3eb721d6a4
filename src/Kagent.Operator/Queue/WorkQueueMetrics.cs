using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kagent.Operator.Queue;

/// <summary>
/// client-go's work queue metrics as controller-runtime exports them (workqueue_depth, _adds_total,
/// _queue_duration_seconds, _work_duration_seconds, _unfinished_work_seconds, _longest_running_processor_seconds,
/// _retries_total; labels controller and name), so that existing dashboards work. Each queue has a Meter of its own,
/// disposed with the queue: a scrape shows the queues that exist, with no process-wide registry of queues.
/// </summary>
public sealed class WorkQueueMetrics : IDisposable
{
    public const string MeterName = "Kagent.Operator.WorkQueue";

    /// <summary>The tag names of every instrument (see OperatorInstruments.TagNames).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> TagNames = new[]
    {
        "workqueue_depth", "workqueue_adds_total", "workqueue_queue_duration_seconds", "workqueue_work_duration_seconds",
        "workqueue_unfinished_work_seconds", "workqueue_longest_running_processor_seconds", "workqueue_retries_total",
    }.ToDictionary(name => name, _ => new[] { "controller", "name" });

    private readonly Meter _meter = new(MeterName);
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly UpDownCounter<long> _depth;
    private readonly Counter<long> _adds;
    private readonly Counter<long> _retries;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _workDuration;

    /// <param name="name">The queue's name, the controller's (controller-runtime: the kind in lower case).</param>
    /// <param name="runningSince">The start timestamps (<see cref="Stopwatch.GetTimestamp"/>) of the keys being processed.</param>
    public WorkQueueMetrics(string name, Func<IReadOnlyCollection<long>> runningSince)
    {
        _tags = [new("controller", name), new("name", name)];
        _depth = _meter.CreateUpDownCounter<long>("workqueue_depth", description: "Current depth of the work queue.");
        _adds = _meter.CreateCounter<long>("workqueue_adds_total", description: "Total number of adds handled by the work queue.");
        _retries = _meter.CreateCounter<long>("workqueue_retries_total", description: "Total number of retries handled by the work queue.");
        _queueDuration = _meter.CreateHistogram<double>("workqueue_queue_duration_seconds", unit: "s",
            description: "How long in seconds an item stays in the work queue before being handed to a worker.");
        _workDuration = _meter.CreateHistogram<double>("workqueue_work_duration_seconds", unit: "s",
            description: "How long in seconds processing an item from the work queue takes.");
        _meter.CreateObservableGauge("workqueue_unfinished_work_seconds", () => new Measurement<double>(
                runningSince().Sum(started => Stopwatch.GetElapsedTime(started).TotalSeconds), _tags), unit: "s",
            description: "Seconds of work in progress not yet observed by work_duration; large values mean stuck workers.");
        _meter.CreateObservableGauge("workqueue_longest_running_processor_seconds", () => new Measurement<double>(
                runningSince().Select(started => Stopwatch.GetElapsedTime(started).TotalSeconds).DefaultIfEmpty(0).Max(), _tags), unit: "s",
            description: "Seconds the longest running worker has been processing its item.");

        // Zeros from the start, for rates and alerts.
        _depth.Add(0, _tags);
        _adds.Add(0, _tags);
        _retries.Add(0, _tags);
    }

    public void Queued() { _adds.Add(1, _tags); _depth.Add(1, _tags); }

    public void HandedOut(TimeSpan waited) { _depth.Add(-1, _tags); _queueDuration.Record(waited.TotalSeconds, _tags); }

    public void Processed(TimeSpan worked) => _workDuration.Record(worked.TotalSeconds, _tags);

    public void Retried() => _retries.Add(1, _tags);

    public void Dispose() => _meter.Dispose();
}
