using System.Text.Json;
using Kagent.Operator.Client;

namespace Kagent.Aggregation;

/// <summary>How the aggregated API answers: JSON with KubernetesClient's conventions, errors as metav1.Status.</summary>
public static class KubeResponses
{
    public const string JsonContentType = "application/json";

    public static async Task WriteJsonAsync<T>(HttpContext context, T body, int statusCode = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = JsonContentType;
        await JsonSerializer.SerializeAsync(context.Response.Body, body, KubeJson.Options, context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, int code, string message) =>
        WriteJsonAsync(context, StatusBody.For(code, message), code);

    /// <summary>An error to end a request with: its code and message become a Status body.</summary>
    public sealed class ApiException(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static ApiException NotFound(string name) =>
        new(StatusCodes.Status404NotFound, $"clusterhealths.{Api.KagentConstants.Group} \"{name}\" not found");
}
