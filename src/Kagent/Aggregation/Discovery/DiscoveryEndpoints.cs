using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kagent.Api;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Kagent.Aggregation.Discovery;

/// <summary>
/// Discovery and OpenAPI, as kube-apiserver serves them: /apis answers aggregated discovery (apidiscovery.k8s.io v2
/// or v2beta1) when the Accept header asks for it and the legacy APIGroupList otherwise; /openapi/v2; /openapi/v3
/// lists the group version with its content hash, and /openapi/v3/apis/kagent.io/v1alpha1 answers with kube-openapi's
/// caching: an ETag (the SHA-512 of the document), 304 for a matching If-None-Match, immutable caching for the
/// current ?hash= and a redirect to it for a stale one. Every document is built once: they never change while the hub runs.
/// </summary>
public static class DiscoveryEndpoints
{
    private const string Json = "application/json";

    private static readonly string[] AggregatedVersions = ["v2", "v2beta1"];

    public static void MapDiscovery(this IEndpointRouteBuilder api)
    {
        var legacyGroups = Document.Of(ApiDiscovery.GroupList());
        var aggregated = AggregatedVersions.ToDictionary(v => v, v => Document.Of(ApiDiscovery.GroupDiscoveryList(v)));
        api.MapGet("/apis", (HttpContext context) => AggregatedVersion(context.Request.Headers.Accept) is { } version
            ? aggregated[version].Answer(context, $"{Json};g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList")
            : legacyGroups.Answer(context, Json));
        foreach (var (path, document) in new (string, JsonObject)[]
        {
            ($"/apis/{KagentConstants.Group}", ApiDiscovery.Group()),
            ($"/apis/{KagentConstants.HealthGroupVersion}", ApiDiscovery.ResourceList()),
            ("/openapi/v2", OpenApiDocuments.OpenApiV2()),
        })
        {
            var answer = Document.Of(document);
            api.MapGet(path, (HttpContext context) => answer.Answer(context, Json));
        }

        var v3 = Document.Of(OpenApiDocuments.OpenApiV3());
        var v3Path = $"/openapi/v3/{OpenApiDocuments.V3GroupVersionPath}";
        var v3Discovery = Document.Of(new JsonObject
        {
            ["paths"] = new JsonObject { [OpenApiDocuments.V3GroupVersionPath] = new JsonObject { ["serverRelativeURL"] = $"{v3Path}?hash={v3.Hash}" } },
        });
        api.MapGet("/openapi/v3", (HttpContext context) => v3Discovery.Answer(context, Json));
        api.MapGet(v3Path, (HttpContext context) =>
        {
            var asked = context.Request.Query["hash"].ToString();
            if (asked.Length > 0 && asked != v3.Hash)
            {
                context.Response.Headers.CacheControl = "no-cache, no-store";
                return Results.Redirect($"{v3Path}?hash={v3.Hash}", permanent: true);
            }

            if (asked.Length > 0)
            {
                context.Response.Headers.CacheControl = "public, immutable";
                context.Response.Headers.Expires = DateTimeOffset.UtcNow.AddYears(1).ToString("R");
                context.Response.Headers.Vary = "Accept";
            }
            else
            {
                context.Response.Headers.CacheControl = "no-cache";
            }

            return v3.Answer(context, Json);
        });
    }

    /// <summary>The aggregated discovery version the Accept header asks for first, if any (null: legacy discovery).</summary>
    public static string? AggregatedVersion(StringValues accept)
    {
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types)) return null;
        foreach (var type in types.Where(t => t.Quality is not 0).OrderByDescending(t => t.Quality ?? 1))
        {
            if (!type.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase)) continue;
            string? Parameter(string name) => type.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value.Value;
            if (Parameter("g") == "apidiscovery.k8s.io" && Parameter("as") == "APIGroupDiscoveryList" && Parameter("v") is { } version && AggregatedVersions.Contains(version))
                return version;
            if (Parameter("g") is null) return null;    // plain JSON preferred: legacy discovery
        }

        return null;
    }

    /// <summary>A document's bytes and content hash (kube-openapi's: SHA-512, upper-case hex), answered with its ETag.</summary>
    private sealed record Document(byte[] Bytes, string Hash)
    {
        public static Document Of(JsonObject document)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(document.ToJsonString());
            return new Document(bytes, Convert.ToHexString(SHA512.HashData(bytes)));
        }

        public IResult Answer(HttpContext context, string contentType)
        {
            var etag = $"\"{Hash}\"";
            context.Response.Headers.ETag = etag;
            return context.Request.Headers.IfNoneMatch.Contains(etag) ? Results.StatusCode(StatusCodes.Status304NotModified) : Results.Bytes(Bytes, contentType);
        }
    }
}
