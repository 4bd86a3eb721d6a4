using System.Diagnostics.Metrics;
using Kagent.Configuration;
using Kagent.Observability;
using static Kagent.Observability.KagentMetrics;

namespace Kagent.Agent.Events;

/// <summary>What event export did: member events seen, control-plane writes, drops and the queue.</summary>
public sealed class EventExportMetrics
{
    private readonly string _cluster;
    private readonly Counter<double> _observed;
    private readonly Counter<double> _writes;
    private readonly Gauge<double> _pending;

    public EventExportMetrics(KagentMetrics metrics, AgentOptions options)
    {
        _cluster = options.ClusterName;
        _observed = metrics.Counter("kagent_events_observed_total",
            "Member Warning events seen by event export, by result (queued, coalesced, unchanged, dropped).", "member_cluster", "result");
        _writes = metrics.Counter("kagent_events_exported_total",
            "Event writes to the control plane, by result (created, updated, failed).", "member_cluster", "result");
        _pending = metrics.Gauge("kagent_events_export_pending",
            "Distinct events waiting to be written to the control plane.", "member_cluster");

        // Zeros from the start: a rate or an alert needs the series before the first write.
        foreach (var result in new[] { "created", "updated", "failed" }) Written(result, 0);
        _observed.Add(0, Tag("member_cluster", _cluster), Tag("result", "dropped"));
        Pending(0);
    }

    public void Observed(ObserveResult result) => _observed.Add(1, Tag("member_cluster", _cluster), Tag("result", result.ToString().ToLowerInvariant()));

    public void Written(string result, int count = 1) => _writes.Add(count, Tag("member_cluster", _cluster), Tag("result", result));

    public void Pending(int count) => _pending.Record(count, Tag("member_cluster", _cluster));
}
