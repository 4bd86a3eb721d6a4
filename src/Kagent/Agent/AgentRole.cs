using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Events;
using Kagent.Operator.Hosting;
using Kagent.Operator.Queue;

namespace Kagent.Agent;

/// <summary>`kagent agent`: connects to the control plane and the member cluster and runs the agent's services.</summary>
public static class AgentRole
{
    public static Task<int> RunAsync(AgentOptions options, CancellationToken cancellationToken) =>
        RoleHost.RunAsync(Define(options), cancellationToken);

    public static RoleDefinition Define(AgentOptions options)
    {
        var karmada = ClusterClientFactory.Create(ClusterNames.Karmada, options.Karmada, options.Common.KarmadaClientLimits);
        var member = ClusterClientFactory.Create(ClusterNames.Member, options.Member, options.MemberClientLimits);
        return new RoleDefinition(KagentRole.Agent, options.Common, [karmada, member], services =>
        {
            services.AddSingleton(options);
            services.AddSingleton<Registration.RegistrationState>();
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton<Status.ClusterMetrics>();
            services.AddSingleton<AgentMetrics>();
            services.AddSingleton<Health.ProbeReport>();

            // Named as karmada-agent names its lock, one per member cluster.
            var leaderServices = services.AddRoleOperator(OnboardingConstants.AgentLeaderLeaseFor(options.ClusterName), ClusterNames.Karmada, options.Common.LeaderElection);
            if (options.Works.ClusterStatus)
            {
                leaderServices.AddLeaderService<Heartbeat.LeaseHeartbeat>().AddLeaderService<Status.ClusterStatusReporter>();
            }

            if (options.CertRotation.Enabled) leaderServices.AddLeaderService<Credentials.CertificateRenewal>();
            leaderServices.AddLeaderService<Credentials.CertificateExpiryReporter>();

            if (options.EventExport.Enabled)
            {
                services.AddSingleton<Events.EventExportMetrics>();
                leaderServices.AddLeaderService<Events.EventExporter>();
            }

            if (options.Works.WorksEnabled) AddWorkExecution(services, leaderServices, options);
        });
    }

    /// <summary>Work execution: the Work controller on karmada-es-&lt;cluster&gt;, its finalizer, the member watches that feed it and the interpreter customizations it applies.</summary>
    private static void AddWorkExecution(IServiceCollection services, OperatorBuilder leaderServices, AgentOptions options)
    {
        services.AddSingleton<ControllerTrigger<Work>>();
        services.AddSingleton<Works.MemberResources>();
        services.AddSingleton<Works.ManifestApplier>();
        services.AddSingleton<Works.Customizations.ResourceInterpreter>();
        services.AddSingleton<Works.WorkEvents>();
        services.AddSingleton(sp => new EventRecorder(sp.GetRequiredKeyedService<KubeClient>(ClusterNames.Karmada),
            new EventRecorderOptions { Component = "execution-controller" }, sp.GetRequiredService<ILogger<EventRecorder>>()));
        leaderServices
            .AddLeaderService<Works.MemberObjectWatches>()
            .AddLeaderService<Works.Customizations.InterpreterCustomizations>()
            .AddController<Works.WorkController, Work>(new ControllerOptions
            {
                ClientName = ClusterNames.Karmada,
                Namespace = KarmadaConstants.ExecutionSpaceFor(options.ClusterName),
                Concurrency = options.Works.ConcurrentWorkSyncs,
                Queue = new WorkQueueOptions
                {
                    BaseRetryDelay = options.Works.RateLimiterBaseDelay,
                    MaxRetryDelay = options.Works.RateLimiterMaxDelay,
                    RetryQps = options.Works.RateLimiterQps,
                    RetryBurst = options.Works.RateLimiterBucketSize,
                },
            });

        // Removing what a deleted Work applied is execution's too.
        if (options.Works.Execution) leaderServices.AddFinalizer<Works.WorkFinalizer, Work>(WorkConstants.ExecutionFinalizer, attach: false);
    }
}
