using k8s.Models;
using Kagent.Hub;
using Kagent.Operator.Cache;
using Kagent.Operator.Controllers;
using Kagent.Operator.Events;

namespace Kagent.Aggregation.Health;

/// <summary>
/// Records each change of a cluster's readiness as an Event on its ClusterHealth (with the stable UID the API
/// serves, so `kubectl describe clusterhealth` lists it) and on its Karmada Cluster. Runs in the leading hub
/// replica only, so that two replicas do not report the same transition twice.
/// </summary>
public sealed class ClusterHealthEvents(ClusterHealthMonitor monitor, EventRecorder events, ILogger<ClusterHealthEvents> logger) : IControllerRunner
{
    public string Name => "ClusterHealthEvents";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await monitor.Synced.WaitAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            using var subscription = monitor.Store.Subscribe(monitor.Store.ResourceVersion);
            try
            {
                await foreach (var change in subscription.Changes.ReadAllAsync(cancellationToken))
                {
                    if (Transition(change) is { } ready) Record(change, ready);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            // Fell behind (a burst of changes): carry on from now; the transitions missed meanwhile are not reported.
            logger.ReadinessEventsBehind();
        }
    }

    private static string? Transition(HealthChange change) =>
        change.Kind == WatchEventKind.Modified && change.Old is { } old && old.Status.Ready != change.Object.Status.Ready
            ? change.Object.Status.Ready
            : null;

    private void Record(HealthChange change, string ready)
    {
        var health = change.Object;
        var type = ready == "True" ? "Normal" : "Warning";
        var reason = string.IsNullOrEmpty(health.Status.Reason) ? $"Ready{ready}" : health.Status.Reason;
        var message = $"Ready is {ready} (was {change.Old!.Status.Ready}): {health.Status.Message}";
        var references = new List<V1ObjectReference> { ObjectReferences.For(health) };
        if (monitor.ClusterOf(health.Metadata.Name) is { } cluster) references.Add(ObjectReferences.For(cluster));
        foreach (var reference in references)
        {
            reference.ResourceVersion = null;
            events.Record(reference, type, reason, message);
        }
    }
}
