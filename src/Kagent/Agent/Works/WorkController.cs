using System.Text.Json.Nodes;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Entities;
using Kagent.Operator.Events;

namespace Kagent.Agent.Works;

/// <summary>
/// Executes the Works of this cluster's execution namespace karmada-es-&lt;cluster&gt;, as karmada-agent's execution
/// and work-status controllers do together: applies each manifest to the member (<see cref="ManifestApplier"/>),
/// and writes the Work's Dispatching and Applied conditions and one manifestStatuses entry per manifest, reflected
/// and judged by <see cref="WorkloadInterpreter"/>, in one status write, only when something changed. Runs again
/// when the Work's spec changes and whenever a member object it applied changes (<see cref="MemberObjectWatches"/>):
/// that puts drift back and keeps the status current. One Work's failure is its own: reported in its condition,
/// retried with backoff, never in the way of the others.
/// </summary>
public sealed class WorkController(
    ManifestApplier applier,
    Customizations.ResourceInterpreter interpreter,
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient controlPlane,
    WorkEvents events,
    AgentOptions options,
    TimeProvider time) : IEntityController<Work>
{
    public async Task<ReconciliationResult<Work>> ReconcileAsync(Work work, CancellationToken cancellationToken)
    {
        await interpreter.WaitReadyAsync(cancellationToken);
        var dispatch = work.Spec.SuspendDispatching != true && options.Works.Execution;
        var manifests = work.Spec.Workload?.Manifests ?? [];
        var results = new List<ManifestResult>(manifests.Count);
        for (var i = 0; i < manifests.Count; i++) results.Add(await applier.ApplyAsync(work, i, manifests[i], dispatch, cancellationToken));

        var failures = results.Where(r => r.Outcome == ApplyOutcome.Failed).ToList();
        var interpreted = results.Where(r => r.Live is not null && r.Target is not null).Select(r => (Result: r, Status: interpreter.Interpret(r.Live!))).ToList();
        var status = NextStatus(work, results, failures, interpreted, dispatch);
        if (!KubeJson.SameContent(work.Status, status))
        {
            var before = Conditions.Find(work.Status.Conditions, WorkConstants.ConditionDispatching)?.Status;
            var written = KubeJson.Clone(work);
            written.Status = status;
            await new EntityClient<Work>(controlPlane).ReplaceStatusAsync(written, cancellationToken);
            var after = Conditions.Find(status.Conditions, WorkConstants.ConditionDispatching)!;
            if (before is not null && before != after.Status) await events.DispatchingAsync(work, after.Message, cancellationToken);
        }

        await events.AppliedAsync(work, results, cancellationToken);
        await events.InterpretedAsync(work, interpreted.Select(i => i.Status), cancellationToken);
        return failures.Count == 0
            ? ReconciliationResult<Work>.Success(work)
            : ReconciliationResult<Work>.Failure(work, AppliedMessage(results.Count, failures));
    }

    private WorkStatus NextStatus(Work work, List<ManifestResult> results, List<ManifestResult> failures,
        List<(ManifestResult Result, InterpretedStatus Status)> interpreted, bool dispatch)
    {
        var status = KubeJson.Clone(work.Status);
        var now = time.GetUtcNow().UtcDateTime;
        status.Conditions = dispatch || !options.Works.Execution
            ? Conditions.Set(status.Conditions, WorkConstants.ConditionDispatching, true, WorkConstants.ReasonDispatching, WorkConstants.MessageDispatching, null, now)
            : Conditions.Set(status.Conditions, WorkConstants.ConditionDispatching, false, WorkConstants.ReasonSuspendDispatching, WorkConstants.MessageSuspended, null, now);
        if (dispatch)
        {
            status.Conditions = failures.Count == 0
                ? Conditions.Set(status.Conditions, WorkConstants.ConditionApplied, true, WorkConstants.ReasonAppliedSuccessful, WorkConstants.MessageApplied, null, now)
                : Conditions.Set(status.Conditions, WorkConstants.ConditionApplied, false, WorkConstants.ReasonAppliedFailed, AppliedMessage(results.Count, failures), null, now);
        }

        if (options.Works.WorkStatus)
        {
            var entries = interpreted.Select(i => Entry(i.Result, i.Status)).ToList();
            status.ManifestStatuses = entries.Count > 0 ? entries : null;

            // A customization's script that fails says so on the Work (and the health is Unknown); the condition
            // appears only once a script has failed, and turns True when they all run again.
            var problems = interpreted.Where(i => i.Status.Problem is not null).Select(i => i.Status).ToList();
            if (problems.Count > 0)
            {
                status.Conditions = Conditions.Set(status.Conditions, WorkConstants.ConditionInterpreted, false, problems[0].ProblemReason!,
                    string.Join("; ", problems.Select(p => p.Problem)), null, now);
            }
            else if (Conditions.Find(status.Conditions, WorkConstants.ConditionInterpreted) is not null)
            {
                status.Conditions = Conditions.Set(status.Conditions, WorkConstants.ConditionInterpreted, true, WorkConstants.ReasonInterpreted, WorkConstants.MessageInterpreted, null, now);
            }
        }

        return status;
    }

    /// <summary>Karmada's message: "Failed to apply all manifests (applied/total): error", several errors as "[e1, e2]".</summary>
    private static string AppliedMessage(int total, List<ManifestResult> failures)
    {
        var errors = failures.Select(f => f.Error).ToList();
        var aggregate = errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]";
        return $"Failed to apply all manifests ({total - failures.Count}/{total}): {aggregate}";
    }

    private static ManifestStatus Entry(ManifestResult result, InterpretedStatus interpreted)
    {
        var target = result.Target!;
        return new ManifestStatus
        {
            Identifier = new ResourceIdentifier
            {
                Ordinal = result.Ordinal,
                Group = target.Group.Length == 0 ? null : target.Group,
                Version = target.Version,
                Kind = target.Kind,
                Resource = "",
                Namespace = target.Namespace,
                Name = target.Name,
            },
            Status = interpreted.Status,
            Health = interpreted.Health,
        };
    }
}

/// <summary>
/// Runs when a Work is deleted (it carries karmada.io/execution-controller, put there by the control plane): deletes
/// each member object Karmada manages for it (Background propagation), or with preserveResourcesOnDeletion keeps it
/// and removes Karmada's labels and annotations. An object already gone counts as done. Then the runtime removes the
/// finalizer; on an error it stays and the deletion is retried.
/// </summary>
public sealed class WorkFinalizer(ManifestApplier applier) : IEntityFinalizer<Work>
{
    public async Task<ReconciliationResult<Work>> FinalizeAsync(Work work, CancellationToken cancellationToken)
    {
        var preserve = work.Spec.PreserveResourcesOnDeletion == true;
        var errors = new List<string>();
        foreach (var manifest in work.Spec.Workload?.Manifests ?? [])
        {
            if (await applier.RemoveAsync(work, manifest, preserve, cancellationToken) is { } error) errors.Add(error);
        }

        return errors.Count == 0
            ? ReconciliationResult<Work>.Success(work)
            : ReconciliationResult<Work>.Failure(work, $"removing what the Work applied: {string.Join("; ", errors)}");
    }
}

/// <summary>Events on Works with Karmada's reasons, only where they tell a person something: a failure, a put-back drift, a suspension toggled.</summary>
public sealed class WorkEvents(EventRecorder recorder, AgentOptions options)
{
    public Task DispatchingAsync(Work work, string message, CancellationToken cancellationToken) =>
        recorder.NormalAsync(Reference(work), WorkConstants.EventWorkDispatching, message, cancellationToken);

    public async Task AppliedAsync(Work work, IReadOnlyList<ManifestResult> results, CancellationToken cancellationToken)
    {
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

    private static bool IsApplied(Work work) => Conditions.IsTrue(work.Status.Conditions, WorkConstants.ConditionApplied);

    private static V1ObjectReference Reference(Work work) => new()
    {
        ApiVersion = work.ApiVersion, Kind = work.Kind, Name = work.Metadata.Name,
        NamespaceProperty = work.Metadata.NamespaceProperty, Uid = work.Metadata.Uid, ResourceVersion = work.Metadata.ResourceVersion,
    };
}
