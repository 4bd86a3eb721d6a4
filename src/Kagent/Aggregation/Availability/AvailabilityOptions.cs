namespace Kagent.Aggregation.Availability;

/// <summary>How the hub keeps clusters' readiness history.</summary>
public sealed record AvailabilityOptions
{
    /// <summary>The Lease the leading hub renews while it observes the fleet (in the leader-election namespace).</summary>
    public const string MarkerLeaseName = "kagent-hub-availability";

    /// <summary>How often the leading hub renews <see cref="MarkerLeaseName"/>. A gap of more than three intervals is recorded as unobserved.</summary>
    public TimeSpan ObservationInterval { get; init; } = TimeSpan.FromSeconds(30);

    public string MarkerNamespace { get; init; } = "karmada-system";

    /// <summary>Longer than a leader handover (lease duration and a retry) so that a failover is not a gap.</summary>
    public TimeSpan GapTolerance => ObservationInterval * 3;
}
