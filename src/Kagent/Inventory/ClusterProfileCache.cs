using Kagent.Api.ClusterInventory;
using Kagent.Api.Karmada;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Inventory;

/// <summary>
/// The profiles in the inventory namespace, from one watch: the publisher reads them here instead of a GET per
/// reconcile, and a profile someone else changes or deletes sends its Cluster back to the publisher at once.
/// </summary>
public sealed class ClusterProfileCache
{
    public ClusterProfileCache([FromKeyedServices(ClusterNames.Karmada)] KubeClient client, SharedCaches caches, ClusterProfileOptions options, ControllerTrigger<Cluster> clusters)
    {
        Profiles = caches.For<ClusterProfile>(client, ResourcePath.For<ClusterProfile>(options.Namespace));
        Profiles.Subscribe(change => clusters.Requeue(change.Object.Metadata.Name));
    }

    public ResourceWatcher<ClusterProfile> Profiles { get; }
}
