using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Agent.Registration;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Agent.Heartbeat;

/// <summary>
/// The heartbeat Karmada's control plane watches: Lease karmada-cluster/&lt;cluster&gt;, holderIdentity &lt;cluster&gt;,
/// leaseDurationSeconds from --cluster-lease-duration, renewed every duration × --cluster-lease-renew-interval-fraction,
/// owned by the Cluster. Runs only on the leading replica, once the cluster is registered.
/// </summary>
public sealed class LeaseHeartbeat(
    AgentOptions options,
    RegistrationState registration,
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient karmada,
    TimeProvider time,
    AgentMetrics metrics,
    Health.ProbeReport probeReport,
    ILogger<LeaseHeartbeat> logger) : IControllerRunner
{
    private long _renewals;
    private V1Lease? _written;

    public string Name => "heartbeat";

    public long Renewals => Interlocked.Read(ref _renewals);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var clusterUid = await registration.Registered.WaitAsync(cancellationToken);
        var interval = options.ClusterLeaseRenewInterval;
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), interval / 2);
        var failing = false;
        logger.HeartbeatStarted(options.ClusterNamespace, options.ClusterName, options.ClusterLeaseDuration, interval);
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan wait;
            var started = time.GetTimestamp();
            try
            {
                if (!await RenewAsync(clusterUid, cancellationToken))
                {
                    logger.HeartbeatClusterGone(options.ClusterName);
                    return;
                }

                Interlocked.Increment(ref _renewals);
                metrics.HeartbeatRenewed(time.GetElapsedTime(started), time.GetUtcNow());
                if (failing) logger.HeartbeatRecovered();
                failing = false;
                backoff.Reset();
                wait = interval;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                metrics.HeartbeatFailed();
                if (!failing) logger.HeartbeatFailed(e);
                failing = true;
                wait = backoff.Next();
            }

            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Renews (or creates) the Lease; false when the Cluster is gone, so that no orphan Lease is left behind. As
    /// Kubernetes' lease controller does, the Lease last written is written back with a new renewTime without being
    /// read first; a conflict, a missing Lease or any other failure falls back to reading it.
    /// </summary>
    private async Task<bool> RenewAsync(string clusterUid, CancellationToken cancellationToken)
    {
        var leases = karmada.CoordinationV1;
        var now = time.GetUtcNow().UtcDateTime;
        if (_written is { } last)
        {
            _written = null;
            try
            {
                last.Spec = Spec(last.Spec, now);
                Annotate(last.Metadata);
                _written = await leases.ReplaceNamespacedLeaseAsync(last, options.ClusterName, options.ClusterNamespace, cancellationToken: cancellationToken);
                return true;
            }
            catch (HttpOperationException)
            {
            }
        }

        V1Lease? lease;
        try
        {
            lease = await leases.ReadNamespacedLeaseAsync(options.ClusterName, options.ClusterNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            lease = null;
        }

        if (lease is null)
        {
            if (await new EntityClient<Cluster>(karmada).GetAsync(options.ClusterName, cancellationToken: cancellationToken) is null) return false;
            _written = await leases.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = Annotate(new V1ObjectMeta { Name = options.ClusterName, NamespaceProperty = options.ClusterNamespace, OwnerReferences = [Owner(clusterUid)] }),
                Spec = Spec(new V1LeaseSpec(), now),
            }, options.ClusterNamespace, cancellationToken: cancellationToken);
            return true;
        }

        lease.Spec = Spec(lease.Spec ?? new V1LeaseSpec(), now);
        Annotate(lease.Metadata);
        if (lease.Metadata.OwnerReferences?.Any(o => o.Uid == clusterUid) != true)
            lease.Metadata.OwnerReferences = [.. (lease.Metadata.OwnerReferences ?? []).Where(o => o.Kind != "Cluster"), Owner(clusterUid)];
        _written = await leases.ReplaceNamespacedLeaseAsync(lease, options.ClusterName, options.ClusterNamespace, cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>The last probe rides along with each renewal (no request of its own), for the hub to answer the probe of a Pull cluster.</summary>
    private V1ObjectMeta Annotate(V1ObjectMeta metadata)
    {
        if (probeReport.Json is { } json) (metadata.Annotations ??= new Dictionary<string, string>())[Api.V1Alpha1.ReportedProbe.Annotation] = json;
        return metadata;
    }

    private V1LeaseSpec Spec(V1LeaseSpec spec, DateTime now)
    {
        spec.HolderIdentity = options.ClusterName;
        spec.LeaseDurationSeconds = (int)options.ClusterLeaseDuration.TotalSeconds;
        spec.RenewTime = now;
        return spec;
    }

    private V1OwnerReference Owner(string clusterUid) => new()
    {
        ApiVersion = $"{KarmadaConstants.ClusterGroup}/{KarmadaConstants.ClusterVersion}",
        Kind = "Cluster",
        Name = options.ClusterName,
        Uid = clusterUid,
    };
}
