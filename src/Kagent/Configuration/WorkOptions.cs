namespace Kagent.Configuration;

/// <summary>
/// Which of karmada-agent's controllers run (--controllers) and how Works are executed; the defaults here are the
/// flags' defaults, as karmada-agent's.
/// </summary>
public sealed record WorkOptions
{
    /// <summary>karmada-agent's controller names. Kagent runs the first three and certRotation (<see cref="CertRotationOptions"/>); the others are accepted and have no effect here.</summary>
    public static readonly IReadOnlyList<string> ControllerNames = ["clusterStatus", "execution", "workStatus", "serviceExport", "endpointsliceCollect", "certRotation"];

    public static WorkOptions Default { get; } = new();

    /// <summary>Heartbeat Lease and Cluster status.</summary>
    public bool ClusterStatus { get; init; } = true;

    /// <summary>Applying Works to the member (and removing what they applied).</summary>
    public bool Execution { get; init; } = true;

    /// <summary>Reporting manifestStatuses.</summary>
    public bool WorkStatus { get; init; } = true;

    /// <summary>Renewing the control-plane client certificate (see <see cref="CertRotationOptions"/>).</summary>
    public bool CertRotation { get; init; } = true;

    public int ConcurrentWorkSyncs { get; init; } = 5;

    public TimeSpan RateLimiterBaseDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan RateLimiterMaxDelay { get; init; } = TimeSpan.FromSeconds(1000);

    public double RateLimiterQps { get; init; } = 10;

    public int RateLimiterBucketSize { get; init; } = 100;

    public bool WorksEnabled => Execution || WorkStatus;

    /// <summary>
    /// karmada-agent's --controllers syntax: "*" for all, a name to enable it, "-name" to disable it
    /// ("*,-execution"). Null when the list is valid, else what is wrong.
    /// </summary>
    public static (WorkOptions? Options, string? Problem) ParseControllers(IReadOnlyList<string> items, WorkOptions baseline)
    {
        var (enabled, problem) = FlagValues.ParseSelection(items, ControllerNames, "controller");
        if (enabled is null) return (null, problem);
        return (baseline with
        {
            ClusterStatus = enabled.Contains("clusterStatus"),
            Execution = enabled.Contains("execution"),
            WorkStatus = enabled.Contains("workStatus"),
            CertRotation = enabled.Contains("certRotation"),
        }, null);
    }
}
