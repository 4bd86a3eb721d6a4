using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Kagent.Operator.Entities;

/// <summary>A custom resource: type metadata and object metadata.</summary>
public abstract class CustomKubernetesEntity : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Fills apiVersion and kind from the type's <see cref="KubernetesEntityAttribute"/>.</summary>
    protected CustomKubernetesEntity()
    {
        var entity = EntityMetadata.For(GetType());
        ApiVersion = entity.GroupVersion;
        Kind = entity.Kind;
    }
}

/// <summary>A custom resource with a spec and a status (the status lives in the status subresource).</summary>
public abstract class CustomKubernetesEntity<TSpec, TStatus> : CustomKubernetesEntity
    where TSpec : new()
    where TStatus : new()
{
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TStatus Status { get; set; } = new();
}

/// <summary>A custom resource with a spec and no status (configuration objects).</summary>
public abstract class CustomKubernetesEntity<TSpec> : CustomKubernetesEntity
    where TSpec : new()
{
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();
}
