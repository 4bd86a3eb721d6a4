using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

public sealed class SlimPodStatus
{
    [JsonPropertyName("phase")] public string? Phase { get; set; }
}
