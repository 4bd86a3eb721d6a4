using System.Text.Json.Serialization;

namespace Kagent.Operator.Webhooks;

/// <summary>The metav1.Status of a denial.</summary>
public sealed class AdmissionStatus
{
    [JsonPropertyName("status")]
    public string Status { get; set; } = "Failure";

    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; set; }

    [JsonPropertyName("message")]
    public string Message { get; set; } = "";
}
