using System.Text.Json.Serialization;
using k8s.Models;

namespace Kagent.Agent.Status;

public sealed class SlimNodeStatus
{
    [JsonPropertyName("allocatable")] public Dictionary<string, ResourceQuantity>? Allocatable { get; set; }
    [JsonPropertyName("conditions")] public List<SlimCondition>? Conditions { get; set; }
}
