using System.Text.Json.Serialization;
using k8s.Models;

namespace Kagent.Agent.Status;

public sealed class SlimPodSpec
{
    [JsonPropertyName("nodeName")] public string? NodeName { get; set; }
    [JsonPropertyName("containers")] public List<SlimContainer>? Containers { get; set; }
    [JsonPropertyName("initContainers")] public List<SlimContainer>? InitContainers { get; set; }
    [JsonPropertyName("overhead")] public Dictionary<string, ResourceQuantity>? Overhead { get; set; }
}
