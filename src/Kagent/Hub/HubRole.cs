using Kagent.Aggregation;
using Kagent.Aggregation.Health;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Hub.Certificates;
using Kagent.Inventory;
using Kagent.Kube;
using Kagent.Onboarding;
using Kagent.Operator.Controllers;

namespace Kagent.Hub;

/// <summary>`kagent hub`: connects to the control plane and runs the hub's services.</summary>
public static class HubRole
{
    public static Task<int> RunAsync(HubOptions options, CancellationToken cancellationToken) =>
        RoleHost.RunAsync(Define(options), cancellationToken);

    public static RoleDefinition Define(HubOptions options)
    {
        var karmada = ClusterClientFactory.Create(ClusterNames.Karmada, options.ControlPlane, options.Common.KarmadaClientLimits);
        return new RoleDefinition(KagentRole.Hub, options.Common, [karmada], services =>
        {
            services.AddSingleton(options);
            var operatorBuilder = services.AddRoleOperator("kagent-hub", ClusterNames.Karmada, options.Common.LeaderElection).AddOnboarding();
            if (options.ClusterProfiles.Namespace is not null)
            {
                services.AddSingleton(options.ClusterProfiles);
                services.AddSingleton<ClusterProfileCache>();
                services.AddSingleton<ControllerTrigger<Cluster>>();
                operatorBuilder.AddController<ClusterProfilePublisher, Cluster>(new ControllerOptions
                {
                    ReconcileOnStatusChange = true,
                    Transform = new Func<Cluster, Cluster>(HubCaches.ClusterWithoutBulk),
                });
            }

            if (options.Secure?.SelfSigned is { } selfSigned)
            {
                services.AddSingleton(sp => new SelfSignedCertificates(karmada.Client, selfSigned, TimeProvider.System, sp.GetRequiredService<ILogger<SelfSignedCertificates>>()));
                services.AddSingleton<IServingCertificate>(sp => sp.GetRequiredService<SelfSignedCertificates>());
                services.AddHostedService(sp => sp.GetRequiredService<SelfSignedCertificates>());
            }

            if (options.Secure?.CaBundleFile is { } caBundleFile)
                services.AddHostedService(sp => new CaBundleFileInjection(karmada.Client, caBundleFile, TimeProvider.System, sp.GetRequiredService<ILogger<CaBundleFileInjection>>()));

            if (options.Secure is not null)
            {
                services.AddAggregatedApi(options.Aggregation);
                operatorBuilder.AddLeaderService<ClusterHealthEvents>().AddLeaderService<Aggregation.Availability.AvailabilityRecorder>();
            }
        })
        {
            Secure = options.Secure,
            MapSecure = options.Secure is null ? null : secure => secure.MapAggregatedApi(),
        };
    }
}
