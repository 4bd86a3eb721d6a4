using k8s;
using k8s.Models;
using Kagent.Agent.Health;
using Kagent.Api;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Operator.Entities;

namespace Kagent.Agent.Status;

/// <summary>
/// One round's Cluster status, from what was last posted and what the member shows now: Ready (debounced by the
/// success and failure thresholds), the signal conditions and CompleteAPIEnablements, the Kubernetes version, API enablements,
/// node and resource summaries and allocatable modelings.
/// </summary>
public sealed class ClusterStatusComputer(
    string clusterName,
    KubeClient member,
    MemberHealthProbe probe,
    ApiEnablements enablements,
    ReadyDebouncer debouncer,
    Signals.SignalConditions signals,
    TimeProvider time,
    ILogger logger)
{
    public async Task<ClusterStatus> ComputeAsync(Cluster cluster, ClusterResources resources, Task synced, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var current = cluster.Status ?? new ClusterStatus();
        var health = await probe.ProbeAsync(cancellationToken);
        var snapshot = synced.IsCompletedSuccessfully ? resources.Snapshot() : null;
        var observed = ReadyCondition.Observe(health, snapshot?.Nodes ?? 0, snapshot?.ReadyNodes ?? 0);
        var posted = Conditions.Find(current.Conditions, KarmadaConstants.ConditionReady);
        var ready = debouncer.Adjust(posted, observed);
        if (health.Outcome != HealthOutcome.Ok && ready.Status != posted?.Status)
            logger.HealthChanged(clusterName, health.Outcome.ToString(), health.Detail);

        var status = KubeJson.Clone(current);
        status.Conditions = Conditions.Set(status.Conditions, ready.Type, ready.Status == "True", ready.Reason, ready.Message, null, now);
        var hubVersion = cluster.Metadata.Annotations?.TryGetValue(KagentConstants.HubVersionAnnotation, out var stamped) == true ? stamped : null;
        status.Conditions = await signals.ApplyAsync(status.Conditions, health, snapshot, hubVersion, now, cancellationToken);

        // Not ready once the thresholds have spoken: only the Ready condition moves; the rest stays as last reported
        // (as Karmada does). A probe that failed within the failure threshold does not hold back the summaries,
        // which come from the watch caches.
        if (ready.Status != "True" || snapshot is null) return status;

        status.KubernetesVersion = await VersionAsync(cancellationToken) ?? current.KubernetesVersion;
        if (await enablements.CollectAsync(cancellationToken) is { } collected)
        {
            status.ApiEnablements = collected.Enablements.ToList();
            status.Conditions = Conditions.Set(status.Conditions, KarmadaConstants.ConditionCompleteApiEnablements,
                collected.Completeness == EnablementsCompleteness.Complete, collected.Completeness.ToString(), collected.Completeness switch
                {
                    EnablementsCompleteness.Complete => "collected complete APIEnablements from the cluster",
                    EnablementsCompleteness.Partial => $"might collect partial APIEnablements({collected.Enablements.Count}) from the cluster",
                    _ => "collected empty APIEnablements from the cluster",
                }, null, now);
        }

        status.NodeSummary = new NodeSummary { TotalNum = snapshot.Nodes, ReadyNum = snapshot.ReadyNodes };
        status.ResourceSummary = new ResourceSummary
        {
            Allocatable = OmitEmpty(snapshot.Allocatable.ToResourceList()),
            Allocating = OmitEmpty(snapshot.Allocating.ToResourceList()),
            Allocated = OmitEmpty(snapshot.Allocated.ToResourceList()),
            AllocatableModelings = ResourceModels.Grade(cluster.Spec.ResourceModels?.ToList(), snapshot.AvailablePerNode),
        };
        return status;
    }

    /// <summary>The member's version; null when it cannot be read this time (the last reported one stays).</summary>
    private async Task<string?> VersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await member.Version.GetCodeAsync(cancellationToken)).GitVersion;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.VersionNotRead(e, clusterName);
            return null;
        }
    }

    /// <summary>Karmada's resource lists are omitempty.</summary>
    private static Dictionary<string, ResourceQuantity>? OmitEmpty(Dictionary<string, ResourceQuantity> list) => list.Count == 0 ? null : list;
}
