
namespace Kagent.Configuration;

/// <summary>Options both roles share.</summary>
public sealed record CommonOptions
{
    public required ClientLimits KarmadaClientLimits { get; init; }

    public required LeaderElectionOptions LeaderElection { get; init; }

    public BindAddress? MetricsBindAddress { get; init; }

    public BindAddress? HealthProbeBindAddress { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Json;

    /// <summary>klog's --v: 0 what an operator wants, 2 each reconcile, 4 each request.</summary>
    public int Verbosity { get; init; }
}
