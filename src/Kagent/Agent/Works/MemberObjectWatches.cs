using System.Collections.Concurrent;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.Entities;

namespace Kagent.Agent.Works;

/// <summary>
/// Watches, in the member, the objects Karmada applied there: one watch per kind that some Work carries, selected
/// by Karmada's karmada.io/managed label, so that memory grows with what Karmada applied and not with everything of
/// that kind in the cluster. Each change (an edit, a deletion, a status update, the label removed) asks the Work
/// controller to reconcile the Work the object's annotations name, which puts drift back and reports status.
/// Runs while this replica leads; the watches stop with leadership.
/// </summary>
public sealed class MemberObjectWatches(
    [FromKeyedServices(ClusterNames.Member)] KubeClient member,
    ControllerTrigger<Work> works,
    AgentOptions options,
    RuntimeHealth runtime,
    ILogger<MemberObjectWatches> logger) : IControllerRunner, IDisposable
{
    /// <summary>How long a Work waits for a new watch's first list before it reads the member directly instead.</summary>
    private static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, ResourceWatcher<UnstructuredObject>> _watchers = new();
    private readonly string _executionNamespace = KarmadaConstants.ExecutionSpaceFor(options.ClusterName);
    private CancellationTokenSource _lifetime = new();

    public string Name => "member-object-watches";

    public int Count => _watchers.Count;

    public void Dispose() => _lifetime.Dispose();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        var ended = Interlocked.Exchange(ref _lifetime, new CancellationTokenSource());
        await ended.CancelAsync();
        _watchers.Clear();
    }

    /// <summary>The watch of a kind's Karmada-managed objects, started on first use.</summary>
    public ResourceWatcher<UnstructuredObject> Ensure(MemberResource resource) =>
        _watchers.GetOrAdd(resource.Collection().Collection, path =>
        {
            var watcher = new ResourceWatcher<UnstructuredObject>(member, resource.Collection(),
                new ResourceWatcherOptions { LabelSelector = $"{WorkConstants.ManagedLabel}={WorkConstants.ManagedLabelValue}" }, CacheTransforms.WithoutManagedFields, logger);
            watcher.Subscribe(OnChange);
            var lifetime = _lifetime.Token;
            var tracked = runtime.Track(watcher);
            lifetime.Register(tracked.Dispose);
            _ = watcher.RunAsync(lifetime);
            logger.WatchingManaged(resource.Collection().Resource);
            return watcher;
        });

    public async Task<bool> WaitSyncedAsync(ResourceWatcher<UnstructuredObject> watcher, CancellationToken cancellationToken)
    {
        if (watcher.Synced.IsCompleted) return true;
        try
        {
            await watcher.Synced.WaitAsync(SyncWait, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void OnChange(WatchEvent<UnstructuredObject> change)
    {
        var annotations = change.Object.Metadata.Annotations;
        if (annotations is null
            || !annotations.TryGetValue(WorkConstants.WorkNamespaceAnnotation, out var ns) || ns != _executionNamespace
            || !annotations.TryGetValue(WorkConstants.WorkNameAnnotation, out var name) || string.IsNullOrEmpty(name))
        {
            return;
        }

        works.Requeue(ObjectKey.Of(ns, name));
    }
}
