using k8s;
using k8s.Models;

namespace Kagent.Operator.Controllers;

/// <summary>Runs before an entity carrying this finalizer may be deleted; the runtime adds and removes the finalizer.</summary>
public interface IEntityFinalizer<TEntity> where TEntity : IKubernetesObject<V1ObjectMeta>
{
    Task<ReconciliationResult<TEntity>> FinalizeAsync(TEntity entity, CancellationToken cancellationToken);
}
