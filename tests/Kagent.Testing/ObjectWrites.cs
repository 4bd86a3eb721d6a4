using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Entities;

namespace Kagent.Testing;

public static class ObjectWrites
{
    /// <summary>How many times the named object was modified during the window, as a watch sees it.</summary>
    public static async Task<int> CountAsync<T>(KubeClient client, string name, TimeSpan window, Action? windowStarted = null, Action? windowEnded = null)
        where T : CustomKubernetesEntity
    {
        var watcher = new ResourceWatcher<T>(client, ResourcePath.For<T>(), new ResourceWatcherOptions { FieldSelector = $"metadata.name={name}" });
        var writes = 0;
        watcher.Subscribe(change => { if (change.Kind == WatchEventKind.Modified) Interlocked.Increment(ref writes); });
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        await watcher.Synced;
        windowStarted?.Invoke();
        await Task.Delay(window);
        windowEnded?.Invoke();
        stop.Cancel();
        await run;
        return writes;
    }
}
