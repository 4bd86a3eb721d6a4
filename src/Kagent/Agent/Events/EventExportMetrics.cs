using Kagent.Configuration;
using Kagent.Observability;
using Prometheus;

namespace Kagent.Agent.Events;

/// <summary>What event export did: member events seen, control-plane writes, drops and the queue.</summary>
public sealed class EventExportMetrics
{
    private readonly string _cluster;
    private readonly Counter _observed;
    private readonly Counter _writes;
    private readonly Gauge _pending;

    public EventExportMetrics(KagentMetrics metrics, AgentOptions options)
    {
        _cluster = options.ClusterName;
        _observed = metrics.Factory.CreateCounter("kagent_events_observed_total",
            "Member Warning events seen by event export, by result (queued, coalesced, unchanged, dropped).", ["member_cluster", "result"]);
        _writes = metrics.Factory.CreateCounter("kagent_events_exported_total",
            "Event writes to the control plane, by result (created, updated, failed).", ["member_cluster", "result"]);
        _pending = metrics.Factory.CreateGauge("kagent_events_export_pending",
            "Distinct events waiting to be written to the control plane.", ["member_cluster"]);

        // Zeros from the start: a rate or an alert needs the series before the first write.
        foreach (var result in new[] { "created", "updated", "failed" }) _writes.WithLabels(_cluster, result);
        _observed.WithLabels(_cluster, "dropped");
        _pending.WithLabels(_cluster).Set(0);
    }

    public void Observed(ObserveResult result) => _observed.WithLabels(_cluster, result.ToString().ToLowerInvariant()).Inc();

    public void Written(string result) => _writes.WithLabels(_cluster, result).Inc();

    public void Pending(int count) => _pending.WithLabels(_cluster).Set(count);
}
