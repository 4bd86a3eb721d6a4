using System.Text.Json.Serialization;

namespace Kagent.Operator.Client;

/// <summary>
/// A Kubernetes metav1.Status as servers write it for errors (KubernetesClient's V1Status can be read but not written).
/// </summary>
public sealed record StatusBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message)
{
    [JsonPropertyName("kind")]
    public string Kind { get; } = "Status";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; } = "v1";

    [JsonPropertyName("status")]
    public string Status => Code < 400 ? "Success" : "Failure";

    [JsonPropertyName("metadata")]
    public object Metadata { get; } = new();

    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => code >= 500 ? "InternalError" : "BadRequest",
    };

    public static StatusBody For(int code, string message) => new(code, ReasonFor(code), message);
}
