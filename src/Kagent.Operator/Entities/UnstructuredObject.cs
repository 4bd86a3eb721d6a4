using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Operator.Entities;

/// <summary>An object of any kind, as the server sent it: typed metadata, everything else kept as JSON.</summary>
public sealed class UnstructuredObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Fields { get; set; }

    /// <summary>The whole object as a mutable JSON tree (a copy).</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, KubeJson.Options)!.AsObject();

    public static UnstructuredObject FromJson(JsonNode json) => json.Deserialize<UnstructuredObject>(KubeJson.Options)!;
}
