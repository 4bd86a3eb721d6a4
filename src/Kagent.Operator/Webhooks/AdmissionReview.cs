using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kagent.Operator.Webhooks;

/// <summary>admission.k8s.io/v1 AdmissionReview, as kube-apiserver sends and expects it.</summary>
public sealed class AdmissionReview
{
    public const string ApiVersionV1 = "admission.k8s.io/v1";

    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("request")]
    public AdmissionRequest? Request { get; set; }

    [JsonPropertyName("response")]
    public AdmissionResponse? Response { get; set; }
}

public sealed class AdmissionRequest
{
    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    [JsonPropertyName("kind")]
    public GroupVersionKind? Kind { get; set; }

    [JsonPropertyName("resource")]
    public GroupVersionResource? Resource { get; set; }

    [JsonPropertyName("subResource")]
    public string? SubResource { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("operation")]
    public string? Operation { get; set; }

    [JsonPropertyName("userInfo")]
    public AdmissionUserInfo UserInfo { get; set; } = new();

    [JsonPropertyName("object")]
    public JsonElement? Object { get; set; }

    [JsonPropertyName("oldObject")]
    public JsonElement? OldObject { get; set; }

    [JsonPropertyName("dryRun")]
    public bool? DryRun { get; set; }
}

public sealed record GroupVersionKind
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }
}

public sealed record GroupVersionResource
{
    [JsonPropertyName("group")]
    public string? Group { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("resource")]
    public string? Resource { get; init; }
}

/// <summary>Who sent the request, as the API server authenticated them.</summary>
public sealed class AdmissionUserInfo
{
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("uid")]
    public string? Uid { get; set; }

    [JsonPropertyName("groups")]
    public IList<string>? Groups { get; set; }

    [JsonPropertyName("extra")]
    public IDictionary<string, IList<string>>? Extra { get; set; }
}

public sealed class AdmissionResponse
{
    [JsonPropertyName("uid")]
    public string Uid { get; set; } = "";

    [JsonPropertyName("allowed")]
    public bool Allowed { get; set; }

    [JsonPropertyName("status")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AdmissionStatus? Status { get; set; }

    [JsonPropertyName("warnings")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IList<string>? Warnings { get; set; }
}

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
