using k8s;
using k8s.Models;

namespace Kagent.Operator.Controllers;

/// <summary>Reconciles one kind of entity towards its desired state (KubeOps' shape).</summary>
public interface IEntityController<TEntity> where TEntity : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Called for a new or changed entity, for a requeue, and after failures (with backoff).</summary>
    Task<ReconciliationResult<TEntity>> ReconcileAsync(TEntity entity, CancellationToken cancellationToken);

    /// <summary>Called once the entity is gone from the API server, with its last known state.</summary>
    Task<ReconciliationResult<TEntity>> DeletedAsync(TEntity entity, CancellationToken cancellationToken) =>
        Task.FromResult(ReconciliationResult<TEntity>.Success(entity));
}

/// <summary>The outcome of a reconciliation: success, or failure (retried with backoff); either may ask for a requeue.</summary>
public sealed record ReconciliationResult<TEntity>(TEntity Entity, bool IsSuccess, string? ErrorMessage, Exception? Error, TimeSpan? RequeueAfter)
{
    public static ReconciliationResult<TEntity> Success(TEntity entity, TimeSpan? requeueAfter = null) => new(entity, true, null, null, requeueAfter);

    public static ReconciliationResult<TEntity> Failure(TEntity entity, string message, Exception? error = null, TimeSpan? requeueAfter = null) =>
        new(entity, false, message, error, requeueAfter);
}
