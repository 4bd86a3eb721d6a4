using System.Collections.Concurrent;
using System.Net;
using k8s.Autorest;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.Entities;
using Kagent.Operator.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Controllers;

/// <summary>Runs one controller: the shared watch cache of its entity feeds a work queue that workers drain.</summary>
internal sealed class ControllerRunner<TEntity, TController>(
    IServiceProvider services,
    SharedCaches caches,
    KubeClient client,
    ControllerOptions options,
    IReadOnlyList<FinalizerRegistration> finalizers,
    ILogger<ControllerRunner<TEntity, TController>> logger) : IControllerRunner
    where TEntity : CustomKubernetesEntity
    where TController : IEntityController<TEntity>
{
    private static readonly EntityMetadata Entity = EntityMetadata.For<TEntity>();
    private readonly ConcurrentDictionary<string, TEntity> _tombstones = new();
    private readonly EntityClient<TEntity> _entities = new(client);

    public string Name => $"{Entity.Kind}/{typeof(TController).Name}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var queueName = options.Queue.Name ?? Entity.Kind.ToLowerInvariant();
        using var queue = new WorkQueue<string>(options.Queue with { Name = queueName });
        using var tracked = services.GetRequiredService<RuntimeHealth>().Track(queue, queueName);
        var watcher = caches.For<TEntity>(client, ResourcePath.For<TEntity>(options.Namespace),
            options.Watch with { LabelSelector = options.LabelSelector ?? options.Watch.LabelSelector },
            options.Transform is null ? null : options.Transform as Func<TEntity, TEntity> ?? throw new InvalidOperationException($"{Name}: the transform is not a Func<{typeof(TEntity).Name}, {typeof(TEntity).Name}>"));
        using var watched = watcher.Subscribe(change => OnChange(change, queue));
        using var triggered = services.GetService<ControllerTrigger<TEntity>>()?.Subscribe(key =>
        {
            if (key is not null) queue.Add(key);
            else foreach (var item in watcher.Items) queue.Add(ObjectKey.Of(item));
        });

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        logger.ControllerStarted(Name, options.Concurrency);
        try
        {
            // The shared cache may have listed before this replica led: every object it holds is reconciled once.
            await watcher.Synced.WaitAsync(cancellationToken);
            foreach (var item in watcher.Items) queue.Add(ObjectKey.Of(item));
            var workers = Enumerable.Range(0, Math.Max(1, options.Concurrency)).Select(_ => WorkAsync(watcher, queue, stop.Token)).ToList();
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.ShutDown();
            stop.Cancel();
            logger.ControllerStopped(Name);
        }
    }

    private void OnChange(WatchEvent<TEntity> change, WorkQueue<string> queue)
    {
        var key = ObjectKey.Of(change.Object);
        switch (change.Kind)
        {
            case WatchEventKind.Deleted:
                _tombstones[key] = change.Object;
                queue.Add(key);
                break;
            case WatchEventKind.Added:
                queue.Add(key);
                break;
            case WatchEventKind.Modified when ChangeFilter.NeedsReconcile(change.Old?.Metadata, change.Object.Metadata, options.ReconcileOnStatusChange):
                queue.Add(key);
                break;
        }
    }

    private static void CountReconcile(string result) =>
        OperatorInstruments.Reconciles.Add(1, OperatorInstruments.Tag("controller", Entity.Kind), OperatorInstruments.Tag("result", result));

    private async Task WorkAsync(ResourceWatcher<TEntity> watcher, WorkQueue<string> queue, CancellationToken cancellationToken)
    {
        while (await queue.GetAsync(cancellationToken) is { } key)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var result = await ProcessAsync(watcher, key, cancellationToken);
                if (result is null || result.IsSuccess)
                {
                    CountReconcile("success");
                    logger.Reconciled(Entity.Kind, key, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                    queue.Forget(key);
                    if (result?.RequeueAfter is { } after) queue.AddAfter(key, after);
                }
                else if (result.RequeueAfter is { } requeue)
                {
                    // Not done yet, and the controller said when to look again (waiting on something): no backoff.
                    queue.AddAfter(key, requeue);
                    CountReconcile("requeue");
                    logger.ReconcileWaiting(Entity.Kind, key, result.ErrorMessage, requeue);
                }
                else
                {
                    var delay = queue.AddRateLimited(key);
                    CountReconcile("error");
                    logger.ReconcileFailed(result.Error, Entity.Kind, key, result.ErrorMessage, delay);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Someone wrote the object meanwhile; the watch brings the newer version. Not an error.
                var delay = queue.AddRateLimited(key);
                CountReconcile("requeue");
                logger.ReconcileConflict(Entity.Kind, key, delay);
            }
            catch (Exception e)
            {
                var delay = queue.AddRateLimited(key);
                CountReconcile("error");
                logger.ReconcileThrew(e, Entity.Kind, key, delay);
            }
            finally
            {
                queue.Done(key);
                Interlocked.Increment(ref _sinceDrained);
                if (queue.Length == 0) Drained();
            }
        }
    }

    /// <summary>Reconciles without the queue emptying that make a burst (thousands of Works created at once).</summary>
    private const int CompactAfter = 500;

    private long _sinceDrained;

    /// <summary>
    /// A burst leaves the heap grown with garbage that the next collections keep as free space: once the queue has
    /// drained, one compacting collection returns it to the system, as the agent does after its first node and pod
    /// lists. The count starts again at every drain, so that a trickle of changes (an edit now and then) never adds up
    /// to a blocking collection that the next change would wait behind.
    /// </summary>
    private void Drained()
    {
        if (Interlocked.Exchange(ref _sinceDrained, 0) < CompactAfter) return;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private async Task<ReconciliationResult<TEntity>?> ProcessAsync(ResourceWatcher<TEntity> watcher, string key, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var entity = watcher.Get(key);
        if (entity is null)
        {
            if (!_tombstones.TryRemove(key, out var last)) return null;
            return await scope.ServiceProvider.GetRequiredService<TController>().DeletedAsync(last, cancellationToken);
        }

        _tombstones.TryRemove(key, out _);
        if (entity.Metadata.DeletionTimestamp is not null)
        {
            return await FinalizeAsync(scope.ServiceProvider, entity, cancellationToken);
        }

        var missing = finalizers.Where(f => f.Attach && !(entity.Metadata.Finalizers ?? []).Contains(f.Identifier)).ToList();
        if (missing.Count > 0)
        {
            // Attach the finalizers first; the watch brings the updated object back for the actual reconcile.
            await SetFinalizersAsync(entity, (entity.Metadata.Finalizers ?? []).Concat(missing.Select(f => f.Identifier)).ToList(), cancellationToken);
            return null;
        }

        return await scope.ServiceProvider.GetRequiredService<TController>().ReconcileAsync(entity, cancellationToken);
    }

    private async Task<ReconciliationResult<TEntity>?> FinalizeAsync(IServiceProvider scope, TEntity entity, CancellationToken cancellationToken)
    {
        var remaining = (entity.Metadata.Finalizers ?? []).ToList();
        foreach (var registration in finalizers.Where(f => remaining.Contains(f.Identifier)))
        {
            var finalizer = (IEntityFinalizer<TEntity>)scope.GetRequiredService(registration.Implementation);
            var result = await finalizer.FinalizeAsync(entity, cancellationToken);
            if (!result.IsSuccess) return result;
            remaining.Remove(registration.Identifier);
            await SetFinalizersAsync(entity, remaining, cancellationToken);
            logger.FinalizerReleased(registration.Identifier, Entity.Kind, ObjectKey.Of(entity).ToString());
        }

        return null;
    }

    /// <summary>Writes metadata.finalizers (an update) with the cached resourceVersion as precondition, so a concurrent change is a conflict, not a loss.</summary>
    private Task SetFinalizersAsync(TEntity entity, IList<string> finalizerList, CancellationToken cancellationToken) =>
        _entities.ReplaceFinalizersAsync(entity.Metadata.Name, entity.Metadata.NamespaceProperty, entity.Metadata.ResourceVersion, finalizerList, cancellationToken);
}

/// <summary>A finalizer implementation and the identifier it is stored under in metadata.finalizers.</summary>
public sealed record FinalizerRegistration(Type Entity, Type Implementation, string Identifier, bool Attach = true);
