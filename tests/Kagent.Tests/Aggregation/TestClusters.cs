using System.Net;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;

namespace Kagent.Tests.Aggregation;

/// <summary>Karmada Clusters and heartbeat Leases written as an agent would, for tests of what the hub serves about them.</summary>
internal static class TestClusters
{
    public static async Task CreateAsync(IKubernetes admin, string name, string mode, Dictionary<string, string>? labels, bool ready, string? provider = null, string? region = null)
    {
        var clusters = new EntityClient<Cluster>(admin);
        var cluster = await clusters.CreateAsync(new Cluster
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new ClusterSpec { SyncMode = mode, ApiEndpoint = "https://192.0.2.1:6443", Provider = provider, Region = region, Zones = region is null ? null : [region + "a", region + "b"] },
        });
        cluster.Status = new ClusterStatus
        {
            KubernetesVersion = "v1.20.2",
            Conditions = [ReadyCondition(ready)],
            NodeSummary = new NodeSummary { TotalNum = 3, ReadyNum = 2 },
            ResourceSummary = new ResourceSummary
            {
                Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("8"), ["memory"] = new("32Gi"), ["pods"] = new("100") },
                Allocated = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("16Gi"), ["pods"] = new("10") },
            },
        };
        await clusters.ReplaceStatusAsync(cluster);
    }

    /// <summary>Writes the Cluster's Ready condition as the agent would on a change of readiness.</summary>
    public static async Task SetReadyAsync(IKubernetes admin, string name, bool ready)
    {
        var clusters = new EntityClient<Cluster>(admin);
        var cluster = await clusters.GetAsync(name) ?? throw new InvalidOperationException($"no Cluster {name}");
        cluster.Status ??= new ClusterStatus();
        cluster.Status.Conditions = [ReadyCondition(ready)];
        await clusters.ReplaceStatusAsync(cluster);
    }

    public static async Task RenewLeaseAsync(IKubernetes admin, string name, DateTime renewTime, int durationSeconds)
    {
        var leases = admin.CoordinationV1;
        var spec = new V1LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = durationSeconds, RenewTime = renewTime };
        try
        {
            var lease = await leases.ReadNamespacedLeaseAsync(name, KarmadaConstants.ClusterNamespace);
            lease.Spec = spec;
            await leases.ReplaceNamespacedLeaseAsync(lease, name, KarmadaConstants.ClusterNamespace);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await leases.CreateNamespacedLeaseAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = name }, Spec = spec }, KarmadaConstants.ClusterNamespace);
        }
    }

    /// <summary>Deletes the Cluster and its Lease, whichever exist.</summary>
    public static async Task DeleteAsync(IKubernetes admin, string name)
    {
        await new EntityClient<Cluster>(admin).DeleteAsync(name);
        try
        {
            await admin.CoordinationV1.DeleteNamespacedLeaseAsync(name, KarmadaConstants.ClusterNamespace);
        }
        catch (k8s.Autorest.HttpOperationException)
        {
        }
    }

    private static V1Condition ReadyCondition(bool ready) => new()
    {
        Type = "Ready",
        Status = ready ? "True" : "False",
        Reason = ready ? "ClusterReady" : "ClusterNotReady",
        Message = ready ? "cluster is healthy and ready to accept workloads" : "cluster is reachable but health endpoint responded without ok",
        LastTransitionTime = DateTime.UtcNow,
    };
}
