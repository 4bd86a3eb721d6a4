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
    public void Dispatching(Work work, string message) => recorder.Normal(Reference(work), WorkConstants.EventWorkDispatching, message);

    public void Applied(Work work, IReadOnlyList<ManifestResult> results)
    {
        var manifests = work.Spec.Workload?.Manifests ?? [];
        foreach (var result in results.Where(r => r.Ordinal < manifests.Count && r.Target is not null))
        {
            if (Template(manifests[result.Ordinal], result.Target!) is not { } template) continue;
            var resource = $"{result.Target!.Namespace}/{result.Target.Name}";
            if (result.Outcome == ApplyOutcome.Failed)
            {
                recorder.Warning(template, WorkConstants.EventSyncFailed,
                    $"Failed to create or update resource({resource}) in member cluster({options.ClusterName}): {result.Error}");
            }
            else if (result.Outcome == ApplyOutcome.Updated || (result.Outcome == ApplyOutcome.Created && IsApplied(work)))
            {
                recorder.Normal(template, WorkConstants.EventSyncSucceed, $"Successfully applied resource({resource}) to cluster {options.ClusterName}");
            }
        }

        var key = $"{work.Metadata.NamespaceProperty}/{work.Metadata.Name}";
        if (results.FirstOrDefault(r => r.Outcome == ApplyOutcome.Failed) is { } failed)
        {
            recorder.Warning(Reference(work), WorkConstants.EventSyncFailed, $"Failed to sync work({key}) to cluster({options.ClusterName}), err: {failed.Error}");
        }
        else if (results.Any(r => r.Outcome == ApplyOutcome.Updated) || (results.Any(r => r.Outcome == ApplyOutcome.Created) && IsApplied(work)))
        {
            // An update, or a re-creation of something applied before: drift put back, or a changed Work applied.
            recorder.Normal(Reference(work), WorkConstants.EventSyncSucceed, $"Sync work({key}) to cluster({options.ClusterName}) successful.");
        }
    }

    /// <summary>Karmada's Warning events for a customized rule that failed (one per distinct reason).</summary>
    public void Interpreted(Work work, IEnumerable<InterpretedStatus> statuses)
    {
        foreach (var failed in statuses.Where(s => s.Problem is not null).DistinctBy(s => s.ProblemReason))
        {
            recorder.Warning(Reference(work), failed.ProblemReason!, failed.Problem!);
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
