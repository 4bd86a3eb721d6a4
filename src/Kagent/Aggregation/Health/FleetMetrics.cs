using System.Diagnostics.Metrics;
using Kagent.Observability;
using static Kagent.Observability.KagentMetrics;

namespace Kagent.Aggregation.Health;

/// <summary>
/// The whole fleet as the hub sees it, computed at scrape time from the same live view as clusterhealths (so a
/// stale heartbeat shows as not ready here too): one Prometheus target in the control plane covers every cluster,
/// also those whose agent cannot be scraped. Series of removed clusters and registrations disappear.
/// </summary>
public sealed class FleetMetrics
{
    private readonly ClusterHealthMonitor _monitor;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (DateTimeOffset At, FleetView View)? _last;

    public FleetMetrics(KagentMetrics metrics, ClusterHealthMonitor monitor, TimeProvider time)
    {
        _monitor = monitor;
        _time = time;
        metrics.ObservableGauge("kagent_fleet_cluster_ready", "1 when the cluster is ready as kubectl get clusterhealth shows it (heartbeat fresh and Ready True), else 0.",
            () => View().Ready, "cluster", "reason");
        metrics.ObservableGauge("kagent_fleet_heartbeat_age_seconds", "Seconds since the cluster's heartbeat Lease was last renewed.", () => View().HeartbeatAge, "cluster");
        metrics.ObservableGauge("kagent_fleet_nodes", "Nodes of the cluster, by state (ready, total).", () => View().Nodes, "cluster", "state");
        metrics.ObservableGauge("kagent_fleet_allocated_ratio", "Allocated share of the cluster's allocatable cpu, memory and pods (0 to 1).",
            () => View().AllocatedRatio, "cluster", "resource");
        metrics.ObservableGauge("kagent_fleet_cluster_availability_ratio", "Time the cluster was ready as a share of the time the hub observed it, over the window (1h, 24h, 7d, 30d) ending now; absent while nothing was observed.",
            () => View().AvailabilityRatio, "cluster", "window");
        metrics.ObservableGauge("kagent_fleet_registration_phase", "1 for each ClusterRegistration's current phase.", () => View().RegistrationPhase, "registration", "phase");
    }

    /// <summary>One view for all six gauges of a scrape (they are read one after another).</summary>
    private FleetView View()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_last is { } last && now - last.At < TimeSpan.FromSeconds(1)) return last.View;
            var view = Compute();
            _last = (now, view);
            return view;
        }
    }

    private FleetView Compute()
    {
        var view = new FleetView();
        foreach (var stored in _monitor.Store.Snapshot().Items)
        {
            var health = _monitor.Render(stored);
            var name = health.Metadata.Name;
            var status = health.Status;
            view.Ready.Add(new(status.Ready == "True" ? 1 : 0, Tag("cluster", name), Tag("reason", status.Reason ?? "")));
            if (status.Heartbeat?.AgeSeconds is { } seconds) view.HeartbeatAge.Add(new(seconds, Tag("cluster", name)));
            if (status.Nodes is { } counts)
            {
                view.Nodes.Add(new(counts.Ready, Tag("cluster", name), Tag("state", "ready")));
                view.Nodes.Add(new(counts.Total, Tag("cluster", name), Tag("state", "total")));
            }

            foreach (var window in status.Availability?.Windows ?? [])
            {
                if (window.Ratio is { } ratio) view.AvailabilityRatio.Add(new(ratio, Tag("cluster", name), Tag("window", window.Window)));
            }

            foreach (var (resource, usage) in new[] { ("cpu", status.Cpu), ("memory", status.Memory), ("pods", status.Pods) })
            {
                if (usage?.AllocatedPercent is { } percent) view.AllocatedRatio.Add(new(percent / 100.0, Tag("cluster", name), Tag("resource", resource)));
            }
        }

        foreach (var registration in _monitor.Registrations)
        {
            if (registration.Status.Phase is { } phase) view.RegistrationPhase.Add(new(1, Tag("registration", registration.Metadata.Name), Tag("phase", phase)));
        }

        return view;
    }

    private sealed class FleetView
    {
        public List<Measurement<double>> Ready { get; } = [];

        public List<Measurement<double>> HeartbeatAge { get; } = [];

        public List<Measurement<double>> Nodes { get; } = [];

        public List<Measurement<double>> AllocatedRatio { get; } = [];

        public List<Measurement<double>> RegistrationPhase { get; } = [];

        public List<Measurement<double>> AvailabilityRatio { get; } = [];
    }
}
