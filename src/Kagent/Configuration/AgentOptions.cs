using k8s.Models;

namespace Kagent.Configuration;

/// <summary>
/// Everything `kagent agent` is configured with; names follow karmada-agent's flags. Each default is written here
/// once; the flags and docs/flags.md read it from <see cref="Defaults"/>.
/// </summary>
public sealed record AgentOptions
{
    /// <summary>karmada-agent's --metrics-bind-address and --health-probe-bind-address (bound into <see cref="CommonOptions"/>).</summary>
    public const string DefaultMetricsBindAddress = ":8080";

    public const string DefaultHealthProbeBindAddress = ":10357";

    public static AgentOptions Defaults { get; } = new()
    {
        ClusterName = "",
        Karmada = new KubeconfigSource("--karmada-kubeconfig", null, null),
        Member = new KubeconfigSource("--kubeconfig", null, null),
        Common = CommonOptions.Defaults,
    };

    public required string ClusterName { get; init; }

    public required KubeconfigSource Karmada { get; init; }

    public required KubeconfigSource Member { get; init; }

    public string ClusterNamespace { get; init; } = Api.Karmada.KarmadaConstants.ClusterNamespace;

    public string? ClusterApiEndpoint { get; init; }

    public string? ProxyServerAddress { get; init; }

    public string? ClusterProvider { get; init; }

    public string? ClusterRegion { get; init; }

    public IReadOnlyList<string> ClusterZones { get; init; } = [];

    public IReadOnlyDictionary<string, string> ClusterLabels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<V1Taint> ClusterTaints { get; init; } = [];

    public TimeSpan ClusterStatusUpdateFrequency { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ClusterLeaseDuration { get; init; } = TimeSpan.FromSeconds(40);

    public double ClusterLeaseRenewIntervalFraction { get; init; } = 0.25;

    public TimeSpan ClusterSuccessThreshold { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ClusterFailureThreshold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>karmada-agent's --cluster-api-qps and --cluster-api-burst.</summary>
    public ClientLimits MemberClientLimits { get; init; } = new(40, 60);

    public Agent.Events.EventExportOptions EventExport { get; init; } = new();

    public WorkOptions Works { get; init; } = WorkOptions.Default;

    public SignalOptions Signals { get; init; } = SignalOptions.Default;

    public CertRotationOptions CertRotation { get; init; } = CertRotationOptions.Default;

    public required CommonOptions Common { get; init; }

    public TimeSpan ClusterLeaseRenewInterval => ClusterLeaseDuration * ClusterLeaseRenewIntervalFraction;
}

/// <summary>A kubeconfig file and context; an empty path means in-cluster configuration.</summary>
public sealed record KubeconfigSource(string Flag, string? Path, string? Context);

/// <summary>Client-side rate limits for one API server.</summary>
public sealed record ClientLimits(float Qps, int Burst);

public sealed record LeaderElectionOptions(bool Enabled, TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RetryPeriod, string ResourceNamespace);
