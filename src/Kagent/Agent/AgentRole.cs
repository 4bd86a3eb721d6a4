using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Kube;

namespace Kagent.Agent;

/// <summary>`kagent agent`: connects to the control plane and the member cluster and runs the agent's services.</summary>
public static class AgentRole
{
    public static Task<int> RunAsync(AgentOptions options, CancellationToken cancellationToken) =>
        RoleHost.RunAsync(Define(options), cancellationToken);

    public static RoleDefinition Define(AgentOptions options)
    {
        var karmada = ClusterClientFactory.Create(ClusterNames.Karmada, KubeconfigLoader.Load(options.Karmada), options.Common.KarmadaClientLimits);
        var member = ClusterClientFactory.Create(ClusterNames.Member, KubeconfigLoader.Load(options.Member), options.MemberClientLimits);
        return new RoleDefinition(KagentRole.Agent, options.Common, [karmada, member], services =>
        {
            services.AddSingleton(options);
            services.AddSingleton<Registration.RegistrationState>();

            // Named as karmada-agent names its lock, one per member cluster.
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<Status.ClusterMetrics>();
            services.AddSingleton<AgentMetrics>();
            var leaderServices = services.AddRoleOperator(OnboardingConstants.AgentLeaderLeaseFor(options.ClusterName), ClusterNames.Karmada, options.Common.LeaderElection)
                .AddLeaderService<Heartbeat.LeaseHeartbeat>()
                .AddLeaderService<Status.ClusterStatusReporter>();
            if (options.EventExport.Enabled)
            {
                services.AddSingleton<Events.EventExportMetrics>();
                leaderServices.AddLeaderService<Events.EventExporter>();
            }
        });
    }
}
