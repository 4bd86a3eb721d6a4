using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

public sealed class SlimCondition
{
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("status")] public string? Status { get; set; }
}
