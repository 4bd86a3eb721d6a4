using System.Diagnostics.Metrics;

namespace Kagent.Operator.Diagnostics;

/// <summary>
/// What the runtime measures, as System.Diagnostics.Metrics instruments named as Prometheus names them, so that the
/// host exports them without the runtime depending on a metrics library. Meters are process-wide by design.
/// </summary>
public static class OperatorInstruments
{
    public const string MeterName = "Kagent.Operator";

    /// <summary>
    /// The tag names each instrument is measured with, in order, so that an exporter can publish it before its first
    /// measurement. Initialized before the instruments: a listener reads it while they are being created.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> TagNames = new Dictionary<string, string[]>
    {
        ["kagent_watch_restarts_total"] = ["resource"],
        ["kagent_watch_relists_total"] = ["resource"],
        ["kagent_webhook_admissions_total"] = ["webhook", "result"],
        ["kagent_reconciles_total"] = ["controller", "result"],
        ["kagent_events_recorded_total"] = ["result"],
    };

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Watches opened again after the first (the server ended one, or it broke); tag resource.</summary>
    public static readonly Counter<long> WatchRestarts = Meter.CreateCounter<long>("kagent_watch_restarts_total",
        description: "Watches opened again after the first, by resource.");

    /// <summary>Full lists after the first, because the resourceVersion was too old (410 Gone); tag resource.</summary>
    public static readonly Counter<long> WatchRelists = Meter.CreateCounter<long>("kagent_watch_relists_total",
        description: "Lists after the first because the watch's resourceVersion was too old (410 Gone), by resource.");

    /// <summary>AdmissionReviews answered; tags webhook and result (allowed, denied, error, bad_request).</summary>
    public static readonly Counter<long> Admissions = Meter.CreateCounter<long>("kagent_webhook_admissions_total",
        description: "AdmissionReviews answered, by webhook and result (allowed, denied, error, bad_request).");

    /// <summary>Reconciles run; tags controller and result (success, requeue, error).</summary>
    public static readonly Counter<long> Reconciles = Meter.CreateCounter<long>("kagent_reconciles_total",
        description: "Reconciles run, by controller and result (success, requeue, error).");

    /// <summary>Events recorded; tag result: written (created, or a repeat counted), rate_limited (the object's burst spent), queue_full, failed (refused or unanswered).</summary>
    public static readonly Counter<long> Events = Meter.CreateCounter<long>("kagent_events_recorded_total",
        description: "Events recorded, by result (written, rate_limited, queue_full, failed).");

    public static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
