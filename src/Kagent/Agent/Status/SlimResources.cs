using System.Text.Json.Serialization;
using k8s.Models;

namespace Kagent.Agent.Status;

public sealed class SlimResources
{
    [JsonPropertyName("requests")] public Dictionary<string, ResourceQuantity>? Requests { get; set; }
}
