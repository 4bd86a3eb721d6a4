using k8s.Models;

namespace Kagent.Aggregation.Health;

/// <summary>
/// A heartbeat Lease and when this hub saw its latest renewal, by the hub's own clock. Freshness is judged on
/// <see cref="SeenAt"/>, as Kubernetes' node lifecycle controller judges node Leases, so that an agent whose clock
/// is off does not flap; renewTime itself is only shown.
/// </summary>
public sealed record ObservedLease(V1Lease Lease, DateTime SeenAt)
{
    /// <summary>An agent's clock may be this far off the hub's without a first sight of its Lease looking stale or fresh wrongly.</summary>
    public static readonly TimeSpan SkewTolerance = TimeSpan.FromSeconds(30);

    public DateTime? RenewTime => (Lease.Spec?.RenewTime ?? Lease.Spec?.AcquireTime)?.ToUniversalTime();

    /// <summary>As if seen when it says it was renewed (clocks in step).</summary>
    public static ObservedLease AsRenewed(V1Lease lease)
    {
        var observed = new ObservedLease(lease, DateTime.MinValue);
        return observed with { SeenAt = observed.RenewTime ?? DateTime.MinValue };
    }

    /// <summary>
    /// The observation after <paramref name="previous"/>: a new renewTime was seen now. A Lease seen for the first
    /// time (the hub just started) counts as renewed now when its renewTime is within the lease duration plus the
    /// skew tolerance, else at its renewTime (an agent long gone stays stale).
    /// </summary>
    public static ObservedLease Next(ObservedLease? previous, V1Lease lease, DateTime now)
    {
        var current = new ObservedLease(lease, now);
        if (previous is not null) return previous.RenewTime == current.RenewTime ? previous with { Lease = lease } : current;
        if (current.RenewTime is not { } renewed) return current;
        return now - renewed <= ClusterHealthBuilder.LeaseDuration(lease) + SkewTolerance ? current : current with { SeenAt = renewed };
    }
}
