using System.Text.Json.Serialization;

namespace Kagent.Agent.Status;

public sealed class SlimCondition
{
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
}
