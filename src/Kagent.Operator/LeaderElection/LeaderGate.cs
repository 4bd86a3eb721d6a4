using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
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
                logger.LogWarning("Leader election for {Lease} failed: {Error}", options.LeaseName, e.Message.ReplaceLineEndings(" "));
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
                    await Task.Delay(options.RetryPeriod, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }
}
