using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Operator.Entities;
using Kagent.Operator.Events;

namespace Kagent.Agent.Works;

/// <summary>
/// Events with Karmada's reasons and messages, only where they tell a person something (a failure, a put-back
/// drift or an applied change, a suspension toggled): on the Work, and for each manifest on its resource template in
/// the control plane (named by the manifest, uid from resourcetemplate.karmada.io/uid; none without it), where
/// `kubectl describe` of the Deployment a user applied to Karmada shows them.
/// </summary>
public sealed class WorkEvents(EventRecorder recorder, AgentOptions options)
{
    public Task DispatchingAsync(Work work, string message, CancellationToken cancellationToken) =>
        recorder.NormalAsync(Reference(work), WorkConstants.EventWorkDispatching, message, cancellationToken);

    public async Task AppliedAsync(Work work, IReadOnlyList<ManifestResult> results, CancellationToken cancellationToken)
    {
        var manifests = work.Spec.Workload?.Manifests ?? [];
        foreach (var result in results.Where(r => r.Ordinal < manifests.Count && r.Target is not null))
        {
            if (Template(manifests[result.Ordinal], result.Target!) is not { } template) continue;
            var resource = $"{result.Target!.Namespace}/{result.Target.Name}";
            if (result.Outcome == ApplyOutcome.Failed)
            {
                await recorder.WarningAsync(template, WorkConstants.EventSyncFailed,
                    $"Failed to create or update resource({resource}) in member cluster({options.ClusterName}): {result.Error}", cancellationToken);
            }
            else if (result.Outcome == ApplyOutcome.Updated || (result.Outcome == ApplyOutcome.Created && IsApplied(work)))
            {
                await recorder.NormalAsync(template, WorkConstants.EventSyncSucceed, $"Successfully applied resource({resource}) to cluster {options.ClusterName}", cancellationToken);
            }
        }

        var key = $"{work.Metadata.NamespaceProperty}/{work.Metadata.Name}";
        if (results.FirstOrDefault(r => r.Outcome == ApplyOutcome.Failed) is { } failed)
        {
            await recorder.WarningAsync(Reference(work), WorkConstants.EventSyncFailed, $"Failed to sync work({key}) to cluster({options.ClusterName}), err: {failed.Error}", cancellationToken);
        }
        else if (results.Any(r => r.Outcome == ApplyOutcome.Updated) || (results.Any(r => r.Outcome == ApplyOutcome.Created) && IsApplied(work)))
        {
            // An update, or a re-creation of something applied before: drift put back, or a changed Work applied.
            await recorder.NormalAsync(Reference(work), WorkConstants.EventSyncSucceed, $"Sync work({key}) to cluster({options.ClusterName}) successful.", cancellationToken);
        }
    }

    /// <summary>Karmada's Warning events for a customized rule that failed (one per distinct reason).</summary>
    public async Task InterpretedAsync(Work work, IEnumerable<InterpretedStatus> statuses, CancellationToken cancellationToken)
    {
        foreach (var failed in statuses.Where(s => s.Problem is not null).DistinctBy(s => s.ProblemReason))
        {
            await recorder.WarningAsync(Reference(work), failed.ProblemReason!, failed.Problem!, cancellationToken);
        }
    }

    /// <summary>The resource template a manifest was made from (Karmada's GenEventRef): null without its uid annotation.</summary>
    private static V1ObjectReference? Template(System.Text.Json.Nodes.JsonObject manifest, ManifestTarget target) =>
        manifest.Annotation(WorkConstants.TemplateUidAnnotation) is { Length: > 0 } uid
            ? new V1ObjectReference { ApiVersion = target.ApiVersion, Kind = target.Kind, NamespaceProperty = target.Namespace ?? "default", Name = target.Name, Uid = uid }
            : null;

    private static bool IsApplied(Work work) => Conditions.IsTrue(work.Status.Conditions, WorkConstants.ConditionApplied);

    private static V1ObjectReference Reference(Work work) => new()
    {
        ApiVersion = work.ApiVersion, Kind = work.Kind, Name = work.Metadata.Name,
        NamespaceProperty = work.Metadata.NamespaceProperty, Uid = work.Metadata.Uid, ResourceVersion = work.Metadata.ResourceVersion,
    };
}
