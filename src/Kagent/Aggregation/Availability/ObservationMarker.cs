using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Aggregation.Availability;

/// <summary>
/// The Lease <see cref="AvailabilityOptions.MarkerLeaseName"/>, renewed by the leading hub while it observes the
/// fleet: when a hub takes over, its renew time says since when nobody was watching, so that a hub outage enters
/// every cluster's history as unobserved rather than as up.
/// </summary>
public sealed class ObservationMarker([FromKeyedServices(ClusterNames.Karmada)] KubeClient client, AvailabilityOptions options, TimeProvider time, ILogger<ObservationMarker> logger)
{
    private readonly string _identity = Kagent.Operator.LeaderElection.OperatorLeaderElectionOptions.NewIdentity();

    /// <summary>Renews the marker; returns when observation stopped before, if longer ago than the gap tolerance.</summary>
    public async Task<DateTime?> TakeOverAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lease = await ReadAsync(cancellationToken);
        var last = lease?.Spec?.RenewTime?.ToUniversalTime();
        await RenewAsync(lease, cancellationToken);
        return last is { } stopped && now - stopped > options.GapTolerance ? stopped : null;
    }

    /// <summary>Renews the marker every observation interval until cancelled; a failed renewal is retried at the next.</summary>
    public async Task KeepRenewingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ObservationInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await RenewAsync(await ReadAsync(cancellationToken), cancellationToken);
                }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    logger.ObservationMarkerFailed(options.MarkerNamespace, AvailabilityOptions.MarkerLeaseName, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<V1Lease?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoordinationV1.ReadNamespacedLeaseAsync(AvailabilityOptions.MarkerLeaseName, options.MarkerNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task RenewAsync(V1Lease? lease, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (lease is null)
        {
            await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = AvailabilityOptions.MarkerLeaseName, NamespaceProperty = options.MarkerNamespace },
                Spec = new V1LeaseSpec { HolderIdentity = _identity, RenewTime = now, LeaseDurationSeconds = (int)options.GapTolerance.TotalSeconds },
            }, options.MarkerNamespace, cancellationToken: cancellationToken);
            return;
        }

        lease.Spec ??= new V1LeaseSpec();
        lease.Spec.HolderIdentity = _identity;
        lease.Spec.RenewTime = now;
        lease.Spec.LeaseDurationSeconds = (int)options.GapTolerance.TotalSeconds;
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, options.MarkerNamespace, cancellationToken: cancellationToken);
    }
}
