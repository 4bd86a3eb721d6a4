using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.LeaderElection;

/// <summary>
/// Runs work only while this replica holds the Lease, with client-go's timing: campaigns every retry period,
/// renews every retry period (<see cref="LeaseLock"/>), and gives up when no renewal succeeded within the renew
/// deadline. Losing the lease cancels the work at once; the replica then campaigns again. A leader that is stopped
/// (SIGTERM in a rolling update) first stops its work, then releases the Lease; a standby watches the Lease
/// (<see cref="LeaseReleaseWatch"/>) and takes over the moment it is released rather than after the lease duration.
/// </summary>
public sealed class LeaderGate(KubeClient client, OperatorLeaderElectionOptions options, ILogger logger, TimeProvider? clock = null)
{
    private readonly TimeProvider _time = clock ?? TimeProvider.System;
    private volatile bool _leading;

    public bool IsLeader => _leading;

    public string Identity => options.Identity;

    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            _leading = true;
            await work(cancellationToken);
            return;
        }

        var lease = new LeaseLock(client, options, _time);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!await CampaignAsync(lease, cancellationToken)) return;

            _leading = true;
            logger.BecameLeader(options.Identity, options.LeaseNamespace, options.LeaseName);
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var running = Task.Run(() => work(leading.Token), CancellationToken.None);
            await RenewWhileHeldAsync(lease, cancellationToken);
            _leading = false;
            await leading.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }

            if (!cancellationToken.IsCancellationRequested)
                logger.LostLeadership(options.Identity, options.LeaseNamespace, options.LeaseName);
            else
                await ReleaseAsync(lease);
        }
    }

    /// <summary>Releases a Lease still held, with a bound of its own: the stopping token is already cancelled.</summary>
    private async Task ReleaseAsync(LeaseLock lease)
    {
        using var bound = new CancellationTokenSource(options.RenewDeadline);
        try
        {
            await lease.ReleaseAsync(bound.Token);
            logger.LeaseReleased(options.Identity, options.LeaseNamespace, options.LeaseName);
        }
        catch (Exception e)
        {
            // The Lease then expires after its duration, as without a release.
            logger.LeaseReleaseFailed(e, options.LeaseNamespace, options.LeaseName);
        }
    }

    /// <summary>
    /// Tries every retry period until this replica holds the Lease, and at once when a watch of it sees the holder
    /// release it; false when cancelled. While the API server cannot be reached, attempts back off (up to four
    /// retry periods) and only the first failure of a streak is a warning: an outage of minutes costs a few log
    /// lines, not one every retry period.
    /// </summary>
    private async Task<bool> CampaignAsync(LeaseLock lease, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.RetryPeriod, options.RetryPeriod * 4);
        var failures = 0;
        LeaseReleaseWatch? releases = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var released = releases?.Arm();
                try
                {
                    if (await lease.TryAcquireOrRenewAsync(cancellationToken))
                    {
                        if (failures > 0) logger.LeaderElectionRecovered(options.LeaseName, failures);
                        return true;
                    }

                    // Another replica holds it: from now on, watch for its release.
                    failures = 0;
                    backoff.Reset();
                    if (releases is null)
                    {
                        releases = new LeaseReleaseWatch(client, options, logger, cancellationToken);
                        released = releases.Arm();
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
                catch (Exception e)
                {
                    if (failures++ == 0) logger.LeaderElectionFailed(e, options.LeaseName);
                    else logger.LeaderElectionFailedAgain(e, options.LeaseName, failures);
                }

                if (!await DelayAsync(failures > 0 ? backoff.Next() : Jittered(options.RetryPeriod), released, cancellationToken)) return false;
            }

            return false;
        }
        finally
        {
            if (releases is not null) await releases.DisposeAsync();
        }
    }

    /// <summary>Renews every retry period; returns when another replica holds the Lease, or no renewal succeeded within the renew deadline.</summary>
    private async Task RenewWhileHeldAsync(LeaseLock lease, CancellationToken cancellationToken)
    {
        var renewed = _time.GetTimestamp();
        while (await DelayAsync(options.RetryPeriod, cancellationToken))
        {
            var left = options.RenewDeadline - _time.GetElapsedTime(renewed);
            if (left <= TimeSpan.Zero) return;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(left);
            try
            {
                if (!await lease.TryAcquireOrRenewAsync(attempt.Token)) return;
                renewed = _time.GetTimestamp();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LeaseRenewalFailed(e, options.LeaseName);
            }

            if (_time.GetElapsedTime(renewed) >= options.RenewDeadline) return;
        }
    }

    /// <summary>client-go's jitter for campaigns (up to 1.2 × the period more), so that replicas do not try in step.</summary>
    private static TimeSpan Jittered(TimeSpan period) => period + period * (1.2 * Random.Shared.NextDouble());

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for the delay or, sooner, for <paramref name="wake"/>; false when cancelled.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, Task? wake, CancellationToken cancellationToken)
    {
        if (wake is null) return await DelayAsync(delay, cancellationToken);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delayed = DelayAsync(delay, waiting.Token);
        await Task.WhenAny(delayed, wake);
        await waiting.CancelAsync();
        await delayed;
        return !cancellationToken.IsCancellationRequested;
    }
}
