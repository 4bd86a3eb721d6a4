using System.Collections.Concurrent;
using k8s;
using Kagent.Hosting;
using Kagent.Observability;

namespace Kagent.Kube;

/// <summary>What was last seen of one API server.</summary>
public sealed record ConnectivityState(bool Reachable, string? Version, string? Error, DateTimeOffset Since);

/// <summary>
/// Watches that every API server the role talks to answers (GET /version), with capped exponential backoff while
/// it does not. A server that answered one of the role's own requests within the interval (heartbeat, leader
/// election, probes) is reachable without another request. Logs transitions once, not every attempt, so that an
/// outage does not flood the log.
/// </summary>
public sealed class ClusterConnectivity(IEnumerable<ClusterConnection> connections, KagentMetrics metrics, ILogger<ClusterConnectivity> logger) : BackgroundService
{
    private static readonly TimeSpan HealthyInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, ConnectivityState> _states = new();

    public IReadOnlyDictionary<string, ConnectivityState> States => _states;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(connections.Select(c => MonitorAsync(c, stoppingToken)));

    private async Task MonitorAsync(ClusterConnection connection, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                if (_states.TryGetValue(connection.Name, out var known) && known.Reachable && connection.Requests.SinceLastAnswer < HealthyInterval * 1.5)
                {
                    if (!await DelayAsync(HealthyInterval, cancellationToken)) return;
                    continue;
                }

                var version = await connection.Client.Version.GetCodeAsync(cancellationToken);
                Record(connection, new ConnectivityState(true, version.GitVersion, null, DateTimeOffset.UtcNow));
                backoff = TimeSpan.FromSeconds(1);
                wait = HealthyInterval;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Record(connection, new ConnectivityState(false, null, e.Message.ReplaceLineEndings(" "), DateTimeOffset.UtcNow));
                wait = backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }

            if (!await DelayAsync(wait, cancellationToken)) return;
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Record(ClusterConnection connection, ConnectivityState state)
    {
        var previous = _states.TryGetValue(connection.Name, out var p) ? p : null;
        if (previous is not null && previous.Reachable == state.Reachable)
        {
            return;
        }

        _states[connection.Name] = state;
        metrics.ClusterReachable.Record(state.Reachable ? 1 : 0, KagentMetrics.Tag("cluster", connection.Name));
        if (state.Reachable)
        {
            logger.Connected(connection.Name, connection.Host, state.Version);
        }
        else
        {
            logger.Unreachable(connection.Name, connection.Host, state.Error);
        }
    }
}
