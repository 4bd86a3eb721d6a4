using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Operator.Entities;
using Kagent.Operator.Events;

namespace Kagent.Agent.Works;

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
