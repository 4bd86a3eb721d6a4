using Kagent.Api.V1Beta1;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Onboarding;

/// <summary>
/// The current OnboardingPolicies, kept by a watch. When any policy changes, every registration is checked again,
/// so that a tightened policy marks registrations that no longer comply.
/// </summary>
public sealed class OnboardingPolicies : BackgroundService
{
    private readonly ResourceWatcher<OnboardingPolicy> _watcher;

    public OnboardingPolicies([FromKeyedServices(ClusterNames.Karmada)] KubeClient client, ControllerTrigger<ClusterRegistration> registrations, ILogger<OnboardingPolicies> logger)
    {
        _watcher = new ResourceWatcher<OnboardingPolicy>(client, ResourcePath.For<OnboardingPolicy>(), logger: logger);
        _watcher.Subscribe(change =>
        {
            if (!_watcher.Synced.IsCompleted) return;
            logger.PolicyChanged(change.Object.Metadata.Name, change.Kind.ToString().ToLowerInvariant());
            registrations.RequeueAll();
        });
    }

    public Task Synced => _watcher.Synced;

    public IReadOnlyList<OnboardingPolicy> Current => _watcher.Items.ToList();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _watcher.RunAsync(stoppingToken);
}
