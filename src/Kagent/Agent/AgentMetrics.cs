using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Observability;
using Prometheus;

namespace Kagent.Agent;

/// <summary>The agent's own metrics (kagent_*), labelled member_cluster as karmada-agent labels its cluster metrics.</summary>
public sealed class AgentMetrics
{
    private static readonly string[] Phases =
        [OnboardingConstants.PhasePending, OnboardingConstants.PhaseAccepted, OnboardingConstants.PhaseRegistered, OnboardingConstants.PhaseDenied, OnboardingConstants.PhaseDeregistering];

    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.005, 2, 12);

    private readonly string _cluster;
    private readonly Histogram _renewDuration;
    private readonly Counter _renewFailures;
    private readonly Gauge _lastRenew;
    private readonly Histogram _probeDuration;
    private readonly Counter _probes;
    private readonly Gauge _phase;

    public AgentMetrics(KagentMetrics metrics, AgentOptions options)
    {
        _cluster = options.ClusterName;
        var factory = metrics.Factory;
        var latency = new HistogramConfiguration { Buckets = LatencyBuckets };
        _renewDuration = factory.CreateHistogram("kagent_heartbeat_renew_duration_seconds", "Time to renew the heartbeat Lease in the control plane.", ["member_cluster"], latency);
        _renewFailures = factory.CreateCounter("kagent_heartbeat_renew_failures_total", "Heartbeat Lease renewals that failed.", ["member_cluster"]);
        _lastRenew = factory.CreateGauge("kagent_heartbeat_last_renew_timestamp_seconds", "Unix time of the last successful heartbeat renewal.", ["member_cluster"]);
        _probeDuration = factory.CreateHistogram("kagent_probe_duration_seconds", "Latency of the member API server's health endpoints.", ["member_cluster", "endpoint"], latency);
        _probes = factory.CreateCounter("kagent_probes_total", "Health probes of the member API server, by endpoint and result (ok, not_ok, unreachable).", ["member_cluster", "endpoint", "result"]);
        _phase = factory.CreateGauge("kagent_registration_phase", "1 for the ClusterRegistration's current phase, 0 for the others.", ["member_cluster", "phase"]);
        _renewFailures.WithLabels(_cluster); // a zero to alert on from the start
    }

    public void HeartbeatRenewed(TimeSpan took, DateTimeOffset at)
    {
        _renewDuration.WithLabels(_cluster).Observe(took.TotalSeconds);
        _lastRenew.WithLabels(_cluster).Set(at.ToUnixTimeMilliseconds() / 1000.0);
    }

    public void HeartbeatFailed() => _renewFailures.WithLabels(_cluster).Inc();

    public void Probed(string endpoint, HealthAnswer answer)
    {
        _probeDuration.WithLabels(_cluster, endpoint).Observe(answer.Duration.TotalSeconds);
        var result = answer switch
        {
            { Error: not null } => "unreachable",
            { Status: System.Net.HttpStatusCode.OK } => "ok",
            _ => "not_ok",
        };
        _probes.WithLabels(_cluster, endpoint, result).Inc();
    }

    public void RegistrationPhase(string? phase)
    {
        foreach (var known in Phases) _phase.WithLabels(_cluster, known).Set(known == phase ? 1 : 0);
    }
}
