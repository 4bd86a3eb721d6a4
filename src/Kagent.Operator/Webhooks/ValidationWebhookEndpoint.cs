using System.Text.Json;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Webhooks;

/// <summary>
/// The HTTP side of validation webhooks: parses the AdmissionReview, calls the webhook, echoes the request uid.
/// Bodies that are not a v1 AdmissionReview get a 400 with a reason; an oversized body a 413. Never a patch.
/// </summary>
public static class ValidationWebhookEndpoint
{
    /// <summary>kube-apiserver's own request limit is 3 MiB; an AdmissionReview carries up to two objects.</summary>
    public const long MaxBodyBytes = 7L << 20;

    public static IEndpointRouteBuilder MapValidationWebhooks(this IEndpointRouteBuilder endpoints)
    {
        foreach (var registration in endpoints.ServiceProvider.GetServices<WebhookRegistration>())
        {
            var handler = typeof(ValidationWebhookEndpoint).GetMethod(nameof(HandleAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(registration.Entity, registration.Implementation);
            endpoints.MapPost(registration.Path, (HttpContext context) => (Task)handler.Invoke(null, [context])!);
        }

        return endpoints;
    }

    private static async Task HandleAsync<TEntity, TWebhook>(HttpContext context)
        where TEntity : IKubernetesObject<V1ObjectMeta>
        where TWebhook : ValidationWebhook<TEntity>
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Kagent.Operator.Webhooks");
        var webhookTag = OperatorInstruments.Tag("webhook", typeof(TWebhook).Name);
        var result = await AnswerAsync<TEntity, TWebhook>(context, logger);
        OperatorInstruments.Admissions.Add(1, webhookTag, OperatorInstruments.Tag("result", result));
    }

    /// <summary>Answers one request; returns the result for the admissions metric.</summary>
    private static async Task<string> AnswerAsync<TEntity, TWebhook>(HttpContext context, ILogger logger)
        where TEntity : IKubernetesObject<V1ObjectMeta>
        where TWebhook : ValidationWebhook<TEntity>
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            await BadRequestAsync(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {MaxBodyBytes} bytes");
            return "bad_request";
        }

        AdmissionReview? review;
        try
        {
            review = await ReadBoundedAsync(context, context.RequestAborted);
        }
        catch (BodyTooLargeException)
        {
            await BadRequestAsync(context, StatusCodes.Status413PayloadTooLarge, $"body larger than {MaxBodyBytes} bytes");
            return "bad_request";
        }
        catch (JsonException e)
        {
            await BadRequestAsync(context, StatusCodes.Status400BadRequest, $"body is not an AdmissionReview: {e.Message}");
            return "bad_request";
        }

        if (Problem(review) is { } problem)
        {
            await BadRequestAsync(context, StatusCodes.Status400BadRequest, problem);
            return "bad_request";
        }

        var request = review!.Request!;
        var response = new AdmissionResponse { Uid = request.Uid! };
        var outcome = "error";
        try
        {
            var result = await ValidateAsync<TEntity, TWebhook>(context.RequestServices, request, context.RequestAborted);
            response.Allowed = result.Valid;
            outcome = result.Valid ? "allowed" : "denied";
            response.Warnings = result.Warnings.Count > 0 ? result.Warnings.ToList() : null;
            if (!result.Valid)
            {
                response.Status = new AdmissionStatus { Code = result.Code, Message = result.Message ?? "denied", Reason = ReasonFor(result.Code) };
            }
        }
        catch (MalformedObjectException e)
        {
            response.Allowed = false;
            response.Status = new AdmissionStatus { Code = 400, Reason = "BadRequest", Message = e.Message };
            outcome = "denied";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Fail closed, with a message that does not leak internals.
            logger.WebhookFailed(e, typeof(TWebhook).Name, request.Operation, request.Name);
            response.Allowed = false;
            response.Status = new AdmissionStatus { Code = 500, Reason = "InternalError", Message = "the validating webhook failed; see its logs" };
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body,
            new AdmissionReview { ApiVersion = AdmissionReview.ApiVersionV1, Kind = "AdmissionReview", Response = response }, WebhookJson.Options, context.RequestAborted);
        return outcome;
    }

    private static async Task<ValidationResult> ValidateAsync<TEntity, TWebhook>(IServiceProvider services, AdmissionRequest request, CancellationToken cancellationToken)
        where TEntity : IKubernetesObject<V1ObjectMeta>
        where TWebhook : ValidationWebhook<TEntity>
    {
        var webhook = services.GetRequiredService<TWebhook>();
        var admission = new AdmissionContext(request.Operation!, request.UserInfo, request.DryRun == true);
        return request.Operation switch
        {
            "CREATE" => await webhook.CreateAsync(Entity<TEntity>(request.Object, "object"), admission, cancellationToken),
            "UPDATE" => await webhook.UpdateAsync(Entity<TEntity>(request.OldObject, "oldObject"), Entity<TEntity>(request.Object, "object"), admission, cancellationToken),
            "DELETE" => await webhook.DeleteAsync(Entity<TEntity>(request.OldObject, "oldObject"), admission, cancellationToken),
            _ => ValidationResult.Success(),
        };
    }

    private static TEntity Entity<TEntity>(JsonElement? element, string field)
    {
        if (element is not { ValueKind: JsonValueKind.Object } value) throw new MalformedObjectException($"request.{field} is missing");
        var expected = EntityMetadata.For<TEntity>();
        var kind = value.TryGetProperty("kind", out var k) ? k.GetString() : null;
        if (kind is not null && kind != expected.Kind) throw new MalformedObjectException($"request.{field} is a {kind}, not a {expected.Kind}");
        try
        {
            return value.Deserialize<TEntity>(KubeJson.Options) ?? throw new MalformedObjectException($"request.{field} is null");
        }
        catch (JsonException e)
        {
            throw new MalformedObjectException($"request.{field} is not a valid {expected.Kind}: {e.Message}");
        }
    }

    private static string? Problem(AdmissionReview? review)
    {
        if (review is null) return "body is empty";
        if (review.Kind != "AdmissionReview") return $"kind is '{review.Kind}', not AdmissionReview";
        if (review.ApiVersion != AdmissionReview.ApiVersionV1) return $"apiVersion is '{review.ApiVersion}'; only {AdmissionReview.ApiVersionV1} is served";
        if (review.Request is null) return "request is missing";
        if (string.IsNullOrEmpty(review.Request.Uid)) return "request.uid is missing";
        if (review.Request.Operation is not ("CREATE" or "UPDATE" or "DELETE" or "CONNECT")) return $"request.operation '{review.Request.Operation}' is not CREATE, UPDATE, DELETE or CONNECT";
        return null;
    }

    private static async Task<AdmissionReview?> ReadBoundedAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw new BodyTooLargeException();
            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0) return null;
        buffer.Position = 0;
        return await JsonSerializer.DeserializeAsync<AdmissionReview>(buffer, WebhookJson.Options, cancellationToken);
    }

    private static Task BadRequestAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        return context.Response.WriteAsJsonAsync(StatusBody.For(code, message), context.RequestAborted);
    }

    private static string ReasonFor(int code) => StatusBody.ReasonFor(code);

    private sealed class MalformedObjectException(string message) : Exception(message);

    private sealed class BodyTooLargeException : Exception;

    private static class WebhookJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { MaxDepth = 128 };
    }
}
