using System.Text.Json.Serialization;

namespace Kagent.Agent.Status;

public sealed class SlimPodStatus
{
    [JsonPropertyName("phase")] public string? Phase { get; set; }
}
