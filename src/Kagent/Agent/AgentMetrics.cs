using System.Diagnostics.Metrics;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Observability;
using static Kagent.Observability.KagentMetrics;

namespace Kagent.Agent;

/// <summary>The agent's own metrics (kagent_*), labelled member_cluster as karmada-agent labels its cluster metrics.</summary>
public sealed class AgentMetrics
{
    private static readonly string[] Phases =
        [OnboardingConstants.PhasePending, OnboardingConstants.PhaseAccepted, OnboardingConstants.PhaseRegistered, OnboardingConstants.PhaseDenied, OnboardingConstants.PhaseDeregistering];

    /// <summary>5 ms to about 10 s.</summary>
    private static readonly double[] LatencyBuckets = [.. Enumerable.Range(0, 12).Select(i => 0.005 * Math.Pow(2, i))];

    private const string Cluster = "member_cluster";

    private readonly string _cluster;
    private readonly Histogram<double> _renewDuration;
    private readonly Counter<double> _renewFailures;
    private readonly Gauge<double> _lastRenew;
    private readonly Histogram<double> _probeDuration;
    private readonly Counter<double> _probes;
    private readonly Gauge<double> _phase;

    public AgentMetrics(KagentMetrics metrics, AgentOptions options)
    {
        _cluster = options.ClusterName;
        _renewDuration = metrics.Histogram("kagent_heartbeat_renew_duration_seconds", "Time to renew the heartbeat Lease in the control plane.", LatencyBuckets, Cluster);
        _renewFailures = metrics.Counter("kagent_heartbeat_renew_failures_total", "Heartbeat Lease renewals that failed.", Cluster);
        _lastRenew = metrics.Gauge("kagent_heartbeat_last_renew_timestamp_seconds", "Unix time of the last successful heartbeat renewal.", Cluster);
        _probeDuration = metrics.Histogram("kagent_probe_duration_seconds", "Latency of the member API server's health endpoints.", LatencyBuckets, Cluster, "endpoint");
        _probes = metrics.Counter("kagent_probes_total", "Health probes of the member API server, by endpoint and result (ok, not_ok, unreachable).", Cluster, "endpoint", "result");
        _phase = metrics.Gauge("kagent_registration_phase", "1 for the ClusterRegistration's current phase, 0 for the others.", Cluster, "phase");
        _renewFailures.Add(0, Tag(Cluster, _cluster)); // a zero to alert on from the start
    }

    public void HeartbeatRenewed(TimeSpan took, DateTimeOffset at)
    {
        _renewDuration.Record(took.TotalSeconds, Tag(Cluster, _cluster));
        _lastRenew.Record(at.ToUnixTimeMilliseconds() / 1000.0, Tag(Cluster, _cluster));
    }

    public void HeartbeatFailed() => _renewFailures.Add(1, Tag(Cluster, _cluster));

    public void Probed(string endpoint, HealthAnswer answer)
    {
        _probeDuration.Record(answer.Duration.TotalSeconds, Tag(Cluster, _cluster), Tag("endpoint", endpoint));
        var result = answer switch
        {
            { Error: not null } => "unreachable",
            { Status: System.Net.HttpStatusCode.OK } => "ok",
            _ => "not_ok",
        };
        _probes.Add(1, Tag(Cluster, _cluster), Tag("endpoint", endpoint), Tag("result", result));
    }

    public void RegistrationPhase(string? phase)
    {
        foreach (var known in Phases) _phase.Record(known == phase ? 1 : 0, Tag(Cluster, _cluster), Tag("phase", known));
    }
}
