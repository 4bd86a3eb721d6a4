using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kagent.Operator.Webhooks;

public sealed class AdmissionRequest
{
    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    [JsonPropertyName("kind")]
    public GroupVersionKind? Kind { get; set; }

    [JsonPropertyName("resource")]
    public GroupVersionResource? Resource { get; set; }

    [JsonPropertyName("subResource")]
    public string? SubResource { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("operation")]
    public string? Operation { get; set; }

    [JsonPropertyName("userInfo")]
    public AdmissionUserInfo UserInfo { get; set; } = new();

    [JsonPropertyName("object")]
    public JsonElement? Object { get; set; }

    [JsonPropertyName("oldObject")]
    public JsonElement? OldObject { get; set; }

    [JsonPropertyName("dryRun")]
    public bool? DryRun { get; set; }
}
