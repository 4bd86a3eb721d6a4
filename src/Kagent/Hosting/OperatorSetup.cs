using Kagent.Configuration;
using Kagent.Operator.Hosting;
using Kagent.Operator.LeaderElection;

namespace Kagent.Hosting;

/// <summary>The operator runtime as each role runs it: leader election in the control plane, from the --leader-elect* flags.</summary>
public static class OperatorSetup
{
    public static OperatorBuilder AddRoleOperator(this IServiceCollection services, string name, string clientName, LeaderElectionOptions election) =>
        services.AddKubernetesOperator(new OperatorOptions
        {
            Name = name,
            DefaultClientName = clientName,
            LeaderElection = election.Enabled
                ? new OperatorLeaderElectionOptions
                {
                    LeaseName = name,
                    LeaseNamespace = election.ResourceNamespace,
                    LeaseDuration = election.LeaseDuration,
                    RenewDeadline = election.RenewDeadline,
                    RetryPeriod = election.RetryPeriod,
                }
                : null,
        });
}
