using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Events;
using Kagent.Operator.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kagent.Onboarding;

public static class OnboardingServices
{
    /// <summary>The hub's onboarding: admission webhooks, the registration controller and its deregistration finalizer, and approval of agents' certificate requests.</summary>
    public static OperatorBuilder AddOnboarding(this OperatorBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ControllerTrigger<ClusterRegistration>>();
        services.AddSingleton<ControllerTrigger<CertificateSigningRequest>>();
        services.AddSingleton<OnboardingCaches>();
        services.AddSingleton<KarmadaClusters>();
        services.AddSingleton<AgentPermissions>();
        services.TryAddSingleton<SubjectAccessReviewer>();
        services.AddSingleton<ApprovalAuthorizer>();
        services.AddSingleton(sp => new EventRecorder(sp.GetRequiredKeyedService<KubeClient>(ClusterNames.Karmada),
            new EventRecorderOptions { Component = "kagent-hub" }, sp.GetRequiredService<ILogger<EventRecorder>>()));
        return builder
            .AddValidationWebhook<ClusterRegistrationWebhook, ClusterRegistration>()
            .AddValidationWebhook<OnboardingPolicyWebhook, OnboardingPolicy>()
            .AddFinalizer<DeregistrationFinalizer, ClusterRegistration>(OnboardingConstants.DeregisterFinalizer)
            .AddController<RegistrationController, ClusterRegistration>(new ControllerOptions { Concurrency = 4 })
            .AddController<JoinApproval, CertificateSigningRequest>();
    }
}
