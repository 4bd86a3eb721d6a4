using Kagent.Observability;
using Prometheus;

namespace Kagent.Aggregation.Health;

/// <summary>
/// The whole fleet as the hub sees it, computed at scrape time from the same live view as clusterhealths (so a
/// stale heartbeat shows as not ready here too): one Prometheus target in the control plane covers every cluster,
/// also those whose agent cannot be scraped. Series of removed clusters and registrations disappear.
/// </summary>
public sealed class FleetMetrics
{
    private readonly ClusterHealthMonitor _monitor;
    private readonly Gauge _ready;
    private readonly Gauge _heartbeatAge;
    private readonly Gauge _nodes;
    private readonly Gauge _allocatedRatio;
    private readonly Gauge _registrationPhase;

    public FleetMetrics(KagentMetrics metrics, CollectorRegistryHolder registry, ClusterHealthMonitor monitor)
    {
        _monitor = monitor;
        var factory = metrics.Factory;
        _ready = factory.CreateGauge("kagent_fleet_cluster_ready", "1 when the cluster is ready as kubectl get clusterhealth shows it (heartbeat fresh and Ready True), else 0.", ["cluster", "reason"]);
        _heartbeatAge = factory.CreateGauge("kagent_fleet_heartbeat_age_seconds", "Seconds since the cluster's heartbeat Lease was last renewed.", ["cluster"]);
        _nodes = factory.CreateGauge("kagent_fleet_nodes", "Nodes of the cluster, by state (ready, total).", ["cluster", "state"]);
        _allocatedRatio = factory.CreateGauge("kagent_fleet_allocated_ratio", "Allocated share of the cluster's allocatable cpu, memory and pods (0 to 1).", ["cluster", "resource"]);
        _registrationPhase = factory.CreateGauge("kagent_fleet_registration_phase", "1 for each ClusterRegistration's current phase.", ["registration", "phase"]);
        registry.Registry.AddBeforeCollectCallback(Refresh);
    }

    private void Refresh()
    {
        var ready = new Dictionary<string[], double>();
        var age = new Dictionary<string[], double>();
        var nodes = new Dictionary<string[], double>();
        var ratios = new Dictionary<string[], double>();
        foreach (var stored in _monitor.Store.Snapshot().Items)
        {
            var health = _monitor.Render(stored);
            var name = health.Metadata.Name;
            var status = health.Status;
            ready[[name, status.Reason ?? ""]] = status.Ready == "True" ? 1 : 0;
            if (status.Heartbeat?.AgeSeconds is { } seconds) age[[name]] = seconds;
            if (status.Nodes is { } counts)
            {
                nodes[[name, "ready"]] = counts.Ready;
                nodes[[name, "total"]] = counts.Total;
            }

            foreach (var (resource, usage) in new[] { ("cpu", status.Cpu), ("memory", status.Memory), ("pods", status.Pods) })
            {
                if (usage?.AllocatedPercent is { } percent) ratios[[name, resource]] = percent / 100.0;
            }
        }

        var phases = new Dictionary<string[], double>();
        foreach (var registration in _monitor.Registrations)
        {
            if (registration.Status.Phase is { } phase) phases[[registration.Metadata.Name, phase]] = 1;
        }

        Replace(_ready, ready);
        Replace(_heartbeatAge, age);
        Replace(_nodes, nodes);
        Replace(_allocatedRatio, ratios);
        Replace(_registrationPhase, phases);
    }

    /// <summary>Sets the gauge to exactly these series: new values set, series no longer present removed.</summary>
    private static void Replace(Gauge gauge, Dictionary<string[], double> values)
    {
        var keep = new HashSet<string>(values.Keys.Select(k => string.Join('\n', k)));
        foreach (var labels in gauge.GetAllLabelValues().ToList())
        {
            if (!keep.Contains(string.Join('\n', labels))) gauge.RemoveLabelled(labels);
        }

        foreach (var (labels, value) in values) gauge.WithLabels(labels).Set(value);
    }
}
