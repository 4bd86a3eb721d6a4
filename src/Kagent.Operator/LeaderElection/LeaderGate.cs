using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Kagent.Operator.Cache;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.LeaderElection;

/// <summary>
/// Runs work only while this replica holds the Lease (KubernetesClient's LeaderElector). Losing the lease
/// cancels the work at once; the replica then campaigns again.
/// </summary>
public sealed class LeaderGate(IKubernetes client, OperatorLeaderElectionOptions options, ILogger logger)
{
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

        // While the API server cannot be reached, campaigns back off (up to four retry periods) and only the first
        // failure of a streak is a warning: an outage of minutes costs a few log lines, not one every retry period.
        var backoff = new Backoff(options.RetryPeriod, options.RetryPeriod * 4);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var leaseLock = new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity);
            using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            });
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? running = null;
            elector.OnStartedLeading += () =>
            {
                _leading = true;
                if (failures > 0) logger.LogInformation("Leader election for {Lease} works again after {Failures} failed attempts", options.LeaseName, failures);
                failures = 0;
                backoff.Reset();
                logger.LogInformation("{Identity} became the leader ({Namespace}/{Lease})", options.Identity, options.LeaseNamespace, options.LeaseName);
                running = Task.Run(() => work(leading.Token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () =>
            {
                _leading = false;
                leading.Cancel();
            };

            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                if (failures++ == 0) logger.LogWarning("Leader election for {Lease} failed: {Error}; retrying with backoff", options.LeaseName, e.Message.ReplaceLineEndings(" "));
                else logger.LogDebug("Leader election for {Lease} failed again ({Failures}): {Error}", options.LeaseName, failures, e.Message.ReplaceLineEndings(" "));
            }

            _leading = false;
            leading.Cancel();
            if (running is not null)
            {
                try
                {
                    await running;
                }
                catch (OperationCanceledException)
                {
                }

                if (!cancellationToken.IsCancellationRequested)
                    logger.LogWarning("{Identity} lost the leadership ({Namespace}/{Lease}); work stopped, campaigning again", options.Identity, options.LeaseNamespace, options.LeaseName);
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(failures > 0 ? backoff.Next() : options.RetryPeriod, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
}
