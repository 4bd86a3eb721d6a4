using System.Text.Json.Serialization;

namespace Kagent.Operator.Webhooks;

/// <summary>Who sent the request, as the API server authenticated them.</summary>
public sealed class AdmissionUserInfo
{
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    [JsonPropertyName("groups")]
    public IList<string>? Groups { get; set; }

    [JsonPropertyName("extra")]
    public IDictionary<string, IList<string>>? Extra { get; set; }
}
