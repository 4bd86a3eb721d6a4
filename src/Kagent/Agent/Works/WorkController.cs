using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Entities;

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
            if (before is not null && before != after.Status) events.Dispatching(work, after.Message);
        }

        events.Applied(work, results);
        events.Interpreted(work, interpreted.Select(i => i.Status));
        return failures.Count == 0
            ? ReconciliationResult<Work>.Success(work)
            : ReconciliationResult<Work>.Failure(work, AppliedMessage(results.Count, failures));
    }

    private WorkStatus NextStatus(Work work, List<ManifestResult> results, List<ManifestResult> failures,
        List<(ManifestResult Result, InterpretedStatus Status)> interpreted, bool dispatch)
    {
        var status = KubeJson.Clone(work.Status);
        var now = time.GetUtcNow().UtcDateTime;
        // Dispatching and Applied belong to execution (--controllers=-execution leaves them to whoever executes).
        if (options.Works.Execution)
        {
            status.Conditions = dispatch
                ? Conditions.Set(status.Conditions, WorkConstants.ConditionDispatching, true, WorkConstants.ReasonDispatching, WorkConstants.MessageDispatching, null, now)
                : Conditions.Set(status.Conditions, WorkConstants.ConditionDispatching, false, WorkConstants.ReasonSuspendDispatching, WorkConstants.MessageSuspended, null, now);
        }

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
