using System.Net;
using k8s.Autorest;
using Kagent.Api.ClusterInventory;
using Kagent.Api.Karmada;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Events;

namespace Kagent.Inventory;

/// <summary>
/// Publishes one SIG-Multicluster ClusterProfile per Karmada Cluster in the inventory namespace, so that tools
/// that discover clusters through the cluster inventory API see Karmada's fleet: created with the cluster manager's
/// name, its status kept current from the Cluster (<see cref="ClusterProfiles"/>), written only on change, and
/// deleted with the Cluster. Profiles are read from a watch (<see cref="ClusterProfileCache"/>), so a steady fleet
/// costs no requests, and one edited or deleted by hand is put back at once. A profile of the same name that another
/// cluster manager owns is left alone and reported.
/// </summary>
public sealed class ClusterProfilePublisher(
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient client,
    ClusterProfileOptions options,
    ClusterProfileCache cache,
    EventRecorder events,
    TimeProvider time,
    ILogger<ClusterProfilePublisher> logger) : IEntityController<Cluster>
{
    private readonly EntityClient<ClusterProfile> _profiles = new(client);

    private string Namespace => options.Namespace ?? throw new InvalidOperationException("ClusterProfile publishing is off");

    /// <summary>How long a reconcile waits for the first list of profiles before it says why it cannot go on.</summary>
    public static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(30);

    public async Task<ReconciliationResult<Cluster>> ReconcileAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        if (await NotListedAsync(cluster, cancellationToken) is { } waiting) return waiting;
        var name = cluster.Metadata.Name;
        var profile = cache.Profiles.Get(ObjectKey.Of(Namespace, name));
        if (profile is null)
        {
            try
            {
                profile = await _profiles.CreateAsync(ClusterProfiles.New(cluster, options), cancellationToken);
                logger.ProfileCreated(Namespace, name);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return ReconciliationResult<Cluster>.Success(cluster); // the watch brings it, and with it this Cluster again
            }
        }
        else if (profile.Spec?.ClusterManager?.Name != options.ClusterManager)
        {
            var owner = profile.Spec?.ClusterManager?.Name ?? "";
            logger.ProfileOwnedByOther(Namespace, name, owner);
            events.Warning(ObjectReferences.For(cluster), "ClusterProfileOwnedByOther",
                $"ClusterProfile {Namespace}/{name} belongs to cluster manager '{owner}', not '{options.ClusterManager}'; Kagent leaves it alone");
            return ReconciliationResult<Cluster>.Success(cluster);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var status = ClusterProfiles.Status(cluster, profile.Status, new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc));
        if (!KubeJson.SameContent(profile.Status, status))
        {
            var written = KubeJson.Clone(profile);
            written.Status = status;
            await _profiles.ReplaceStatusAsync(written, cancellationToken);
        }

        return ReconciliationResult<Cluster>.Success(cluster);
    }

    public async Task<ReconciliationResult<Cluster>> DeletedAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        if (await NotListedAsync(cluster, cancellationToken) is { } waiting) return waiting;
        var name = cluster.Metadata.Name;
        var profile = cache.Profiles.Get(ObjectKey.Of(Namespace, name));
        if (profile?.Spec?.ClusterManager?.Name == options.ClusterManager && await _profiles.DeleteAsync(name, Namespace, cancellationToken))
            logger.ProfileDeleted(Namespace, name);
        return ReconciliationResult<Cluster>.Success(cluster);
    }

    /// <summary>
    /// Null once the profiles have been listed; else a result that says what is likely missing (the CRD, or the
    /// Role in the namespace) and looks again later, instead of a reconcile that hangs.
    /// </summary>
    private async Task<ReconciliationResult<Cluster>?> NotListedAsync(Cluster cluster, CancellationToken cancellationToken)
    {
        try
        {
            await cache.Profiles.Synced.WaitAsync(ListTimeout, cancellationToken);
            return null;
        }
        catch (TimeoutException)
        {
            return ReconciliationResult<Cluster>.Failure(cluster,
                $"ClusterProfiles in {Namespace} cannot be listed yet: is the CRD installed (config/crd/cluster-inventory) and the Role kagent-hub-cluster-profiles bound there? --cluster-profile-namespace=\"\" turns publishing off",
                requeueAfter: ListTimeout);
        }
    }
}
