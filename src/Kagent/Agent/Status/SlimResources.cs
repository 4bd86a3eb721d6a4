using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

public sealed class SlimResources
{
    [JsonPropertyName("requests")] public Dictionary<string, ResourceQuantity>? Requests { get; set; }
}
