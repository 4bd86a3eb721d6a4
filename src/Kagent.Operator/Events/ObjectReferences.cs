using k8s;
using k8s.Models;

namespace Kagent.Operator.Events;

public static class ObjectReferences
{
    /// <summary>A reference to an object, as Events and kubectl describe expect it.</summary>
    public static V1ObjectReference For(IKubernetesObject<V1ObjectMeta> obj) => new()
    {
        ApiVersion = obj.ApiVersion,
        Kind = obj.Kind,
        Name = obj.Metadata.Name,
        NamespaceProperty = obj.Metadata.NamespaceProperty,
        Uid = obj.Metadata.Uid,
        ResourceVersion = obj.Metadata.ResourceVersion,
    };
}
