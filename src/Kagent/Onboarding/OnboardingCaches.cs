using Kagent.Api.V1Beta1;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Onboarding;

/// <summary>
/// What onboarding reads, from the process's shared caches (the registration controller and the health monitor
/// read the same ones): ClusterRegistrations and OnboardingPolicies. Admission reads them here and never lists.
/// When any policy changes, every registration is checked again, so that a tightened policy marks registrations
/// that no longer comply.
/// </summary>
public sealed class OnboardingCaches
{
    private readonly ResourceWatcher<OnboardingPolicy> _policies;

    public OnboardingCaches([FromKeyedServices(ClusterNames.Karmada)] KubeClient client, SharedCaches caches, ControllerTrigger<ClusterRegistration> registrations, ILogger<OnboardingCaches> logger)
    {
        Registrations = caches.For<ClusterRegistration>(client, ResourcePath.For<ClusterRegistration>());
        _policies = caches.For<OnboardingPolicy>(client, ResourcePath.For<OnboardingPolicy>());
        _policies.Subscribe(change =>
        {
            if (!_policies.Synced.IsCompleted) return;
            logger.PolicyChanged(change.Object.Metadata.Name, change.Kind.ToString().ToLowerInvariant());
            registrations.RequeueAll();
        });
    }

    public ResourceWatcher<ClusterRegistration> Registrations { get; }

    /// <summary>Completes once both caches have listed.</summary>
    public Task Synced => Task.WhenAll(Registrations.Synced, _policies.Synced);

    public IReadOnlyList<OnboardingPolicy> Policies => _policies.Items.ToList();
}
