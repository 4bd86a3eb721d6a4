using System.Text.Json.Serialization;

namespace Kagent.Agent.Status;

public sealed class SlimContainer
{
    [JsonPropertyName("resources")] public SlimResources? Resources { get; set; }
}
