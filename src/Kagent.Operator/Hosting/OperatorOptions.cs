using Kagent.Operator.LeaderElection;

namespace Kagent.Operator.Hosting;

public sealed record OperatorOptions
{
    /// <summary>Names the operator in logs and, by default, its leader-election Lease and event source.</summary>
    public required string Name { get; init; }

    /// <summary>The keyed KubeClient controllers use unless they name another.</summary>
    public required string DefaultClientName { get; init; }

    /// <summary>Null disables leader election: every replica runs the controllers.</summary>
    public OperatorLeaderElectionOptions? LeaderElection { get; init; }
}
