using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Agent.Health;
using Kagent.Agent.Registration;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.Entities;

namespace Kagent.Agent.Status;

/// <summary>
/// The status round: every --cluster-status-update-frequency, reads the Karmada Cluster, has
/// <see cref="ClusterStatusComputer"/> compute its status, and writes it only when it changed. Nodes and pods are
/// watched once and summed event by event (<see cref="ClusterResources"/>); where the nodes run is reported to the
/// registration by <see cref="Metadata.MetadataReporter"/> in the same round. Runs only on the leading replica; the
/// node and pod lists start at once, the rounds once the cluster is registered.
/// </summary>
public sealed class ClusterStatusReporter(
    AgentOptions options,
    RegistrationState registration,
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient karmada,
    [FromKeyedServices(ClusterNames.Member)] KubeClient member,
    TimeProvider time,
    ClusterMetrics metrics,
    AgentMetrics agentMetrics,
    Health.ProbeReport probeReport,
    RuntimeHealth runtime,
    IEnumerable<ClusterConnection> connections,
    ILogger<ClusterStatusReporter> logger) : IControllerRunner
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ClockReadInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan StopWriteTimeout = TimeSpan.FromSeconds(5);
    private readonly EntityClient<Cluster> _clusters = new(karmada);
    private long _writes;
    private long _skipped;

    public string Name => "cluster-status";

    public long Writes => Interlocked.Read(ref _writes);

    public long SkippedWrites => Interlocked.Read(ref _skipped);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var resources = new ClusterResources();
        var pool = new CompactionPool();
        var pages = new ResourceWatcherOptions { PageSize = 1000 };
        var nodes = new ResourceWatcher<SlimNode>(member, new ResourcePath("", "v1", "nodes"), pages, n => n.Compact(), logger);
        var pods = new ResourceWatcher<SlimPod>(member, new ResourcePath("", "v1", "pods"), pages, p => p.Compact(pool), logger);
        nodes.Subscribe(resources.OnNode);
        pods.Subscribe(resources.OnPod);
        using var nodesTracked = runtime.Track(nodes);
        using var podsTracked = runtime.Track(pods);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watches = Task.WhenAll(nodes.RunAsync(stop.Token), pods.RunAsync(stop.Token));

        // The initial lists are a one-off spike of garbage; once they are in, give the memory back to the system.
        _ = Task.WhenAll(nodes.Synced, pods.Synced).ContinueWith(_ =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            logger.StatusCachesSynced(nodes.Count, pods.Count);
        }, TaskContinuationOptions.OnlyOnRanToCompletion);
        try
        {
            // The member's lists do not need the registration: they run while it completes, the rounds after it.
            await registration.Registered.WaitAsync(cancellationToken);
            await ReportAsync(resources, Task.WhenAll(nodes.Synced, pods.Synced), cancellationToken);
        }
        finally
        {
            stop.Cancel();
            await watches;
            if (cancellationToken.IsCancellationRequested && registration.Registered.IsCompletedSuccessfully) await MarkSignalsStoppedAsync();
        }
    }

    /// <summary>
    /// On stop (shutdown, or leadership lost), the signal conditions go Unknown: nothing in Karmada ages them out,
    /// and a taint policy must not act on what nobody measures any more. The next leader posts real values at once.
    /// </summary>
    private async Task MarkSignalsStoppedAsync()
    {
        using var timeout = new CancellationTokenSource(StopWriteTimeout);
        try
        {
            if (await _clusters.GetAsync(options.ClusterName, cancellationToken: timeout.Token) is not { Status: { } status } cluster) return;
            var before = KubeJson.Serialize(status.Conditions);
            status.Conditions = Signals.SignalConditions.Stopped(status.Conditions, time.GetUtcNow().UtcDateTime);
            if (KubeJson.Serialize(status.Conditions) == before) return;
            await _clusters.ReplaceStatusAsync(cluster, timeout.Token);
            logger.SignalsMarkedStopped(options.ClusterName);
        }
        catch (Exception e)
        {
            logger.StatusNotWritten(e, options.ClusterName);
        }
    }

    private async Task ReportAsync(ClusterResources resources, Task synced, CancellationToken cancellationToken)
    {
        var discovery = new Metadata.MetadataReporter(options, karmada, logger);
        var signalOptions = options.Signals;
        var signals = new Signals.SignalConditions(signalOptions, options.ClusterSuccessThreshold, options.ClusterFailureThreshold, time,
            signalOptions.IsEnabled(SignalOptions.ClockSynchronized) ? new Signals.ClockReader(karmada, time, ClockReadInterval, connections.Single(c => c.Name == ClusterNames.Karmada).Requests) : null,
            signalOptions.IsEnabled(SignalOptions.AgentHealthy) ? new Signals.AgentSelfCheck(runtime, connections, BuildInfo.Version) : null);
        var computer = new ClusterStatusComputer(options.ClusterName, member,
            new MemberHealthProbe(member, ProbeTimeout, agentMetrics, probeReport, time, checkLive: signalOptions.IsEnabled(SignalOptions.ControlPlaneHealthy)),
            new ApiEnablements(member, time), new ReadyDebouncer(options.ClusterSuccessThreshold, options.ClusterFailureThreshold, time), signals, time, logger);
        metrics.Publish(options.ClusterName);
        string? lastWritten = null;
        var lastWrite = DateTimeOffset.MinValue;
        var started = time.GetUtcNow();
        var firstComplete = false;
        using var timer = new PeriodicTimer(options.ClusterStatusUpdateFrequency, time);
        Task<bool>? tick = null;
        var syncSeen = false;

        // The next round: the next period, or at once when the node and pod caches finish their first list.
        async Task<bool> NextAsync()
        {
            tick ??= timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (!syncSeen && await Task.WhenAny(tick, synced) == synced)
            {
                syncSeen = true;
                return true;
            }

            var more = await tick;
            tick = null;
            return more;
        }

        do
        {
            try
            {
                var cluster = await _clusters.GetAsync(options.ClusterName, cancellationToken: cancellationToken);
                if (cluster is null)
                {
                    logger.StatusClusterGone(options.ClusterName);
                    return;
                }

                var clock = System.Diagnostics.Stopwatch.StartNew();
                var status = await computer.ComputeAsync(cluster, resources, synced, cancellationToken);
                if (synced.IsCompletedSuccessfully) await discovery.ReportAsync(resources, status.KubernetesVersion, cancellationToken);
                metrics.Record(options.ClusterName, status);
                var json = KubeJson.Serialize(status);
                if (json == lastWritten || json == KubeJson.Serialize(cluster.Status))
                {
                    lastWritten = json;
                    Interlocked.Increment(ref _skipped);
                    metrics.RoundEnded(options.ClusterName, written: false, clock.Elapsed);
                    logger.StatusUnchanged(options.ClusterName);
                    continue;
                }

                cluster.Status = status;
                await _clusters.ReplaceStatusAsync(cluster, cancellationToken);
                metrics.RoundEnded(options.ClusterName, written: true, clock.Elapsed);
                lastWritten = json;
                lastWrite = time.GetUtcNow();
                logger.StatusWritten(options.ClusterName);
                Interlocked.Increment(ref _writes);
                if (!firstComplete && status.NodeSummary is not null)
                {
                    firstComplete = true;
                    logger.FirstCompleteStatus(options.ClusterName, lastWrite - started, status.NodeSummary.TotalNum, status.NodeSummary.ReadyNum,
                        status.ResourceSummary?.Allocated is { } allocated && allocated.TryGetValue(ResourceAmounts.Pods, out var pods) ? pods.ToString() : "0");
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Someone else wrote the Cluster meanwhile; the next tick reads it again.
                lastWritten = null;
            }
            catch (Exception e)
            {
                lastWritten = null;
                logger.StatusNotWritten(e, options.ClusterName);
            }
        }
        while (await NextAsync());
    }
}
