using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Operator.Client;

/// <summary>Typed get, list, create, replace, status update, patch and delete for one custom entity type.</summary>
public sealed class EntityClient<T>(IKubernetes client) where T : CustomKubernetesEntity
{
    private static readonly EntityMetadata Entity = EntityMetadata.For<T>();

    public IKubernetes Kubernetes { get; } = client;

    public async Task<T?> GetAsync(string name, string? ns = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = Entity.Namespaced
                ? await Kubernetes.CustomObjects.GetNamespacedCustomObjectAsync(Entity.Group, Entity.Version, Required(ns), Entity.Plural, name, cancellationToken)
                : await Kubernetes.CustomObjects.GetClusterCustomObjectAsync(Entity.Group, Entity.Version, Entity.Plural, name, cancellationToken);
            return Convert<T>(result);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<EntityList<T>> ListAsync(string? ns = null, string? labelSelector = null, string? fieldSelector = null,
        int? limit = null, string? continueToken = null, string? resourceVersion = null, CancellationToken cancellationToken = default)
    {
        var result = Entity.Namespaced && ns is not null
            ? await Kubernetes.CustomObjects.ListNamespacedCustomObjectAsync(Entity.Group, Entity.Version, ns, Entity.Plural,
                continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit,
                resourceVersion: resourceVersion, cancellationToken: cancellationToken)
            : await Kubernetes.CustomObjects.ListClusterCustomObjectAsync(Entity.Group, Entity.Version, Entity.Plural,
                continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit,
                resourceVersion: resourceVersion, cancellationToken: cancellationToken);
        return Convert<EntityList<T>>(result);
    }

    public async Task<T> CreateAsync(T entity, CancellationToken cancellationToken = default)
    {
        var result = Entity.Namespaced
            ? await Kubernetes.CustomObjects.CreateNamespacedCustomObjectAsync(entity, Entity.Group, Entity.Version, Required(entity.Metadata.NamespaceProperty), Entity.Plural, cancellationToken: cancellationToken)
            : await Kubernetes.CustomObjects.CreateClusterCustomObjectAsync(entity, Entity.Group, Entity.Version, Entity.Plural, cancellationToken: cancellationToken);
        return Convert<T>(result);
    }

    /// <summary>Replaces the object (spec and metadata); the status is ignored by the server.</summary>
    public async Task<T> ReplaceAsync(T entity, CancellationToken cancellationToken = default)
    {
        var result = Entity.Namespaced
            ? await Kubernetes.CustomObjects.ReplaceNamespacedCustomObjectAsync(entity, Entity.Group, Entity.Version, Required(entity.Metadata.NamespaceProperty), Entity.Plural, entity.Metadata.Name, cancellationToken: cancellationToken)
            : await Kubernetes.CustomObjects.ReplaceClusterCustomObjectAsync(entity, Entity.Group, Entity.Version, Entity.Plural, entity.Metadata.Name, cancellationToken: cancellationToken);
        return Convert<T>(result);
    }

    /// <summary>Replaces the status subresource; the spec is ignored by the server.</summary>
    public async Task<T> ReplaceStatusAsync(T entity, CancellationToken cancellationToken = default)
    {
        var result = Entity.Namespaced
            ? await Kubernetes.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(entity, Entity.Group, Entity.Version, Required(entity.Metadata.NamespaceProperty), Entity.Plural, entity.Metadata.Name, cancellationToken: cancellationToken)
            : await Kubernetes.CustomObjects.ReplaceClusterCustomObjectStatusAsync(entity, Entity.Group, Entity.Version, Entity.Plural, entity.Metadata.Name, cancellationToken: cancellationToken);
        return Convert<T>(result);
    }

    /// <summary>A JSON merge patch of the object.</summary>
    public async Task<T> MergePatchAsync(string name, object patch, string? ns = null, CancellationToken cancellationToken = default)
    {
        var body = new V1Patch(patch, V1Patch.PatchType.MergePatch);
        var result = Entity.Namespaced
            ? await Kubernetes.CustomObjects.PatchNamespacedCustomObjectAsync(body, Entity.Group, Entity.Version, Required(ns), Entity.Plural, name, cancellationToken: cancellationToken)
            : await Kubernetes.CustomObjects.PatchClusterCustomObjectAsync(body, Entity.Group, Entity.Version, Entity.Plural, name, cancellationToken: cancellationToken);
        return Convert<T>(result);
    }

    /// <summary>
    /// Replaces metadata.finalizers by an update, the verb Karmada's and controller-runtime's roles grant for it: the
    /// object is read as the server holds it (every field, known to <typeparamref name="T"/> or not) and written
    /// back with <paramref name="resourceVersion"/> as precondition, so a change made since is a conflict, not a
    /// loss. False if the object is gone.
    /// </summary>
    public async Task<bool> ReplaceFinalizersAsync(string name, string? ns, string resourceVersion, IList<string> finalizers,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var read = Entity.Namespaced
                ? await Kubernetes.CustomObjects.GetNamespacedCustomObjectAsync(Entity.Group, Entity.Version, Required(ns), Entity.Plural, name, cancellationToken)
                : await Kubernetes.CustomObjects.GetClusterCustomObjectAsync(Entity.Group, Entity.Version, Entity.Plural, name, cancellationToken);
            var current = JsonSerializer.SerializeToNode(read, KubeJson.Options)!.AsObject();
            var metadata = current["metadata"]!.AsObject();
            metadata["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]);
            metadata["resourceVersion"] = resourceVersion;
            _ = Entity.Namespaced
                ? await Kubernetes.CustomObjects.ReplaceNamespacedCustomObjectAsync(current, Entity.Group, Entity.Version, Required(ns), Entity.Plural, name, cancellationToken: cancellationToken)
                : await Kubernetes.CustomObjects.ReplaceClusterCustomObjectAsync(current, Entity.Group, Entity.Version, Entity.Plural, name, cancellationToken: cancellationToken);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Deletes the object; true if it existed.</summary>
    public async Task<bool> DeleteAsync(string name, string? ns = null, CancellationToken cancellationToken = default)
    {
        try
        {
            if (Entity.Namespaced)
                await Kubernetes.CustomObjects.DeleteNamespacedCustomObjectAsync(Entity.Group, Entity.Version, Required(ns), Entity.Plural, name, cancellationToken: cancellationToken);
            else
                await Kubernetes.CustomObjects.DeleteClusterCustomObjectAsync(Entity.Group, Entity.Version, Entity.Plural, name, cancellationToken: cancellationToken);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static TResult Convert<TResult>(object result) => result switch
    {
        JsonElement element => KubernetesJson.Deserialize<TResult>(element.GetRawText()),
        _ => KubernetesJson.Deserialize<TResult>(KubernetesJson.Serialize(result)),
    };

    private static string Required(string? ns) =>
        string.IsNullOrEmpty(ns) ? throw new ArgumentException($"{Entity.Kind} is namespaced: a namespace is required") : ns;
}
