using Kagent.Api.Karmada;
using Kagent.Operator.Controllers;

namespace Kagent.Agent.Works;

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
