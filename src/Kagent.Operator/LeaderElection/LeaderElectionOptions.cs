namespace Kagent.Operator.LeaderElection;

public sealed record OperatorLeaderElectionOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Name of the coordination.k8s.io Lease.</summary>
    public required string LeaseName { get; init; }

    public required string LeaseNamespace { get; init; }

    /// <summary>This replica's identity in the Lease; host name and a random suffix by default.</summary>
    public string Identity { get; init; } = NewIdentity();

    /// <summary>Host name and a random suffix, at most 63 characters: a replica's identity in a Lease it holds.</summary>
    public static string NewIdentity() => $"{Environment.MachineName}_{Guid.NewGuid():N}"[..Math.Min(63, Environment.MachineName.Length + 33)];

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
