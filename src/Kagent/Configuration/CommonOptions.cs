
namespace Kagent.Configuration;

/// <summary>Options both roles share. Each default is written here once; the flags and docs/flags.md read it.</summary>
public sealed record CommonOptions
{
    public static CommonOptions Defaults { get; } = new();

    /// <summary>karmada-agent's --kube-api-qps and --kube-api-burst.</summary>
    public ClientLimits KarmadaClientLimits { get; init; } = new(40, 60);

    /// <summary>client-go's leader-election defaults, in karmada-system.</summary>
    public LeaderElectionOptions LeaderElection { get; init; } =
        new(true, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), "karmada-system");

    public BindAddress? MetricsBindAddress { get; init; }

    public BindAddress? HealthProbeBindAddress { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Json;

    /// <summary>klog's --v: 0 what an operator wants, 2 each reconcile, 4 each request.</summary>
    public int Verbosity { get; init; }
}
