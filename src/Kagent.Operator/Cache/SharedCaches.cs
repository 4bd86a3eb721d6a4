using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Cache;

/// <summary>
/// One watch cache per resource, shared by everything in the process that reads it (controller-runtime's manager
/// cache): a controller, a webhook and a monitor asking for the same resource of the same API server get the same
/// <see cref="ResourceWatcher{T}"/>, so the server sees one list and one watch. Caches run from the host's start to
/// its stop in every replica, leader or not; a cache asked for later starts at once.
/// </summary>
public sealed class SharedCaches(ILoggerFactory loggers, RuntimeHealth health) : BackgroundService
{
    private readonly ConcurrentDictionary<CacheKey, Entry> _caches = new();
    private readonly TaskCompletionSource<CancellationToken> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<Task> _running = [];

    /// <summary>
    /// The cache of one resource: its objects without managedFields unless <paramref name="transform"/> says
    /// otherwise. Two callers asking for the same resource, selectors and options must cache it the same way.
    /// </summary>
    public ResourceWatcher<T> For<T>(KubeClient client, ResourcePath path, ResourceWatcherOptions? options = null, Func<T, T>? transform = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        options ??= new ResourceWatcherOptions();
        transform ??= CacheTransforms.WithoutManagedFields;
        var entry = _caches.GetOrAdd(new CacheKey(client, path.ToString(), typeof(T), options), _ =>
        {
            var watcher = new ResourceWatcher<T>(client, path, options, transform, loggers.CreateLogger("Kagent.Operator.Cache.ResourceWatcher"));
            health.Track(watcher); // for the process's lifetime, as the cache
            return new Entry(watcher, transform, new Lazy<Task>(() =>
            {
                var run = RunWhenStartedAsync(watcher);
                _running.Add(run);
                return run;
            }));
        });
        if (!Equals(entry.Transform, transform))
            throw new InvalidOperationException($"{path} is already cached with another transform; share one transform per resource");

        _ = entry.Run.Value;
        return (ResourceWatcher<T>)entry.Watcher;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _started.TrySetResult(stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(_running);
    }

    private async Task RunWhenStartedAsync<T>(ResourceWatcher<T> watcher) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var stoppingToken = await _started.Task;
        await watcher.RunAsync(stoppingToken);
    }

    private sealed record CacheKey(KubeClient Client, string Path, Type Type, ResourceWatcherOptions Options);

    private sealed record Entry(object Watcher, Delegate Transform, Lazy<Task> Run);
}
