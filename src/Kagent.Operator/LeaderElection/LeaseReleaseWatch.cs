using k8s.Models;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.LeaderElection;

/// <summary>
/// A standby replica's watch of the one Lease it campaigns for (by name): signals the moment the holder releases
/// it (no holder) or it is deleted, so that the campaign tries at once instead of at its next retry period, and a
/// rolling update leaves no leader for milliseconds rather than seconds. Started only once another replica is
/// seen holding the Lease; a single replica never watches.
/// </summary>
internal sealed class LeaseReleaseWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly IDisposable _subscription;
    private readonly Task _running;
    private TaskCompletionSource _released = NewSignal();

    public LeaseReleaseWatch(KubeClient client, OperatorLeaderElectionOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var watcher = new ResourceWatcher<V1Lease>(client, ResourcePath.For<V1Lease>(options.LeaseNamespace),
            new ResourceWatcherOptions { FieldSelector = $"metadata.name={options.LeaseName}" }, logger: logger);
        _subscription = watcher.Subscribe(e =>
        {
            if (e.Kind == WatchEventKind.Deleted || string.IsNullOrEmpty(e.Object.Spec?.HolderIdentity)) Volatile.Read(ref _released).TrySetResult();
        });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _running = watcher.RunAsync(_stop.Token);
    }

    /// <summary>A task that completes at the next release seen after this call; call it before an attempt, await it after.</summary>
    public Task Arm()
    {
        var signal = NewSignal();
        Volatile.Write(ref _released, signal);
        return signal.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
