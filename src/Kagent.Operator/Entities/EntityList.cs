using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Kagent.Operator.Entities;

/// <summary>A list of entities as the API server returns it.</summary>
public sealed class EntityList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    [JsonPropertyName("items")]
    public IList<T> Items { get; set; } = new List<T>();
}
