using System.CommandLine;
using Kagent.Configuration;

namespace Kagent.Cli;

/// <summary>Flags both roles take: control-plane client limits, leader election, endpoints and logging.</summary>
internal sealed class CommonFlags
{
    private static CommonOptions Defaults => CommonOptions.Defaults;

    private readonly Option<float> _kubeApiQps = Flag.Of("--kube-api-qps", Defaults.KarmadaClientLimits.Qps, "QPS to use while talking with the Karmada control plane.");
    private readonly Option<int> _kubeApiBurst = Flag.Of("--kube-api-burst", Defaults.KarmadaClientLimits.Burst, "Burst to use while talking with the Karmada control plane.");
    private readonly Option<bool> _leaderElect = Flag.Of("--leader-elect", Defaults.LeaderElection.Enabled, "Elect a leader before doing any work, so that only one replica writes; true by default, --leader-elect=false disables it.");
    private readonly Option<string> _leaseDuration = Flag.Of("--leader-elect-lease-duration", Defaults.LeaderElection.LeaseDuration, "How long non-leaders wait before trying to take an expired leadership lease.");
    private readonly Option<string> _renewDeadline = Flag.Of("--leader-elect-renew-deadline", Defaults.LeaderElection.RenewDeadline, "How long the leader keeps trying to renew before it gives up leadership; less than the lease duration.");
    private readonly Option<string> _retryPeriod = Flag.Of("--leader-elect-retry-period", Defaults.LeaderElection.RetryPeriod, "How long candidates wait between tries to acquire or renew leadership.");
    private readonly Option<string> _leaderNamespace = Flag.Of("--leader-elect-resource-namespace", Defaults.LeaderElection.ResourceNamespace, "Namespace of the leader-election Lease in the control plane.");
    private readonly Option<string> _metrics;
    private readonly Option<string> _healthProbe;
    private readonly Option<string> _logFormat = Flag.Of("--log-format", Defaults.LogFormat.ToString().ToLowerInvariant(), "Log format: json (klog's JSON, one object a line) or text (klog's text format).");
    private readonly Option<int> _verbosity = Flag.Of("--v", Defaults.Verbosity, "Log verbosity, as klog's: 0 what an operator wants, 2 also each reconcile, 4 also each request.");

    public CommonFlags(string metricsDefault, string healthDefault)
    {
        _metrics = Flag.Of("--metrics-bind-address", metricsDefault, "Address the Prometheus /metrics endpoint binds to, as host:port or :port; 0 disables it.");
        _healthProbe = Flag.Of("--health-probe-bind-address", healthDefault, "Address the /healthz, /livez and /readyz endpoints bind to; 0 disables them.");
    }

    public IEnumerable<Option> All => [_kubeApiQps, _kubeApiBurst, _leaderElect, _leaseDuration, _renewDeadline, _retryPeriod, _leaderNamespace, _metrics, _healthProbe, _logFormat, _verbosity];

    public CommonOptions Bind(ParseResult result)
    {
        var leaderElection = new LeaderElectionOptions(
            result.GetValue(_leaderElect),
            FlagValues.ParseDuration(_leaseDuration.Name, result.GetValue(_leaseDuration), allowZero: false),
            FlagValues.ParseDuration(_renewDeadline.Name, result.GetValue(_renewDeadline), allowZero: false),
            FlagValues.ParseDuration(_retryPeriod.Name, result.GetValue(_retryPeriod), allowZero: false),
            Flag.Required(_leaderNamespace, result));
        if (leaderElection.LeaseDuration <= leaderElection.RenewDeadline)
            throw new ConfigurationException(_leaseDuration.Name, "must be greater than --leader-elect-renew-deadline");
        if (leaderElection.RenewDeadline <= leaderElection.RetryPeriod)
            throw new ConfigurationException(_renewDeadline.Name, "must be greater than --leader-elect-retry-period");

        var metrics = FlagValues.ParseBindAddress(_metrics.Name, result.GetValue(_metrics)!);
        var health = FlagValues.ParseBindAddress(_healthProbe.Name, result.GetValue(_healthProbe)!);
        if (metrics is not null && health is not null && metrics.Port == health.Port && metrics.Port != 0 && !metrics.Address.Equals(health.Address))
            throw new ConfigurationException(_healthProbe.Name, $"port {health.Port} is also used by --metrics-bind-address on another address");

        return new CommonOptions
        {
            KarmadaClientLimits = Flag.Limits(_kubeApiQps, _kubeApiBurst, result),
            LeaderElection = leaderElection,
            MetricsBindAddress = metrics,
            HealthProbeBindAddress = health,
            LogFormat = result.GetValue(_logFormat) switch
            {
                "json" => LogFormat.Json,
                "text" => LogFormat.Text,
                var other => throw new ConfigurationException(_logFormat.Name, $"'{other}' is not json or text"),
            },
            Verbosity = result.GetValue(_verbosity) is >= 0 and var v ? v : throw new ConfigurationException(_verbosity.Name, "must not be negative; use 0, 2 or 4"),
        };
    }
}
