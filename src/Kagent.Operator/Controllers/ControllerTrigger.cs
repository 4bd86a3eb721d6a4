using k8s;
using k8s.Models;

namespace Kagent.Operator.Controllers;

/// <summary>
/// Lets code outside a controller ask it to reconcile again: one key, or every object it caches (for example when a
/// policy that every object is checked against changes). Register it as a singleton; the controller subscribes.
/// </summary>
public sealed class ControllerTrigger<TEntity> where TEntity : IKubernetesObject<V1ObjectMeta>
{
    private event Action<string?>? Requested;

    /// <summary>Reconcile the object with this key ("namespace/name" or "name").</summary>
    public void Requeue(string key) => Requested?.Invoke(key);

    public void RequeueAll() => Requested?.Invoke(null);

    internal IDisposable Subscribe(Action<string?> handler)
    {
        Requested += handler;
        return new Unsubscriber(() => Requested -= handler);
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
