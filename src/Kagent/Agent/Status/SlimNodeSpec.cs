using System.Text.Json.Serialization;

namespace Kagent.Agent.Status;

public sealed class SlimNodeSpec
{
    [JsonPropertyName("providerID")] public string? ProviderId { get; set; }
}
