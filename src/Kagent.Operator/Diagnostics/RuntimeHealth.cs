using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Kagent.Operator.Cache;
using Kagent.Operator.Queue;

namespace Kagent.Operator.Diagnostics;

/// <summary>One watch cache: its resource, whether its first list is in, and how long it has been without a watch.</summary>
public sealed record CacheState(string Resource, bool Synced, TimeSpan Unwatched);

/// <summary>One controller's work queue: keys waiting, and the longest any of them has waited.</summary>
public sealed record QueueState(string Name, int Depth, TimeSpan LongestWait);

/// <summary>
/// The caches and queues running in this process, so that a health signal can say whether the process keeps up:
/// each part is tracked while it runs and forgotten when the returned handle is disposed.
/// </summary>
public sealed class RuntimeHealth
{
    private readonly ConcurrentDictionary<object, Func<CacheState>> _caches = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<object, Func<QueueState>> _queues = new(ReferenceEqualityComparer.Instance);

    public IDisposable Track<T>(ResourceWatcher<T> watcher) where T : class, IKubernetesObject<V1ObjectMeta> =>
        Add(_caches, new object(), () => watcher.State);

    public IDisposable Track<T>(WorkQueue<T> queue, string name) where T : notnull =>
        Add(_queues, new object(), () => queue.State(name));

    public IReadOnlyList<CacheState> Caches() => _caches.Values.Select(read => read()).ToList();

    public IReadOnlyList<QueueState> Queues() => _queues.Values.Select(read => read()).ToList();

    private static DisposeOnce Add<TState>(ConcurrentDictionary<object, Func<TState>> parts, object key, Func<TState> read)
    {
        parts[key] = read;
        return new DisposeOnce(() => parts.TryRemove(key, out _));
    }
}
