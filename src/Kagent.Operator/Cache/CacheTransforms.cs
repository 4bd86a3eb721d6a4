using k8s;
using k8s.Models;

namespace Kagent.Operator.Cache;

/// <summary>Transforms a watch applies before it caches an object.</summary>
public static class CacheTransforms
{
    /// <summary>
    /// Drops metadata.managedFields, often the largest part of an object and never read by a controller. A write of
    /// the cached object then carries none, which the API server takes as "unchanged".
    /// </summary>
    public static T WithoutManagedFields<T>(T obj) where T : IKubernetesObject<V1ObjectMeta>
    {
        obj.Metadata.ManagedFields = null;
        return obj;
    }
}
