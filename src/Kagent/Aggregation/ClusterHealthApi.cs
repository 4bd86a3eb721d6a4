using System.Text.Json;
using k8s.Models;
using Kagent.Aggregation.Health;
using Kagent.Aggregation.Probe;
using Kagent.Aggregation.Requests;
using Kagent.Aggregation.Security;
using Kagent.Aggregation.Tables;
using Kagent.Api;
using Kagent.Api.V1Alpha1;
using Kagent.Hub;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Microsoft.AspNetCore.Http.Features;

namespace Kagent.Aggregation;

/// <summary>
/// GET, LIST and WATCH of clusterhealths and the probe subresource, as kube-apiserver serves a resource: JSON or
/// Table (for kubectl's human output), label and field selectors, limit/continue, resourceVersion, watch with
/// bookmarks and 410 for versions that are too old. Every request is authorized before anything is read.
/// </summary>
public sealed class ClusterHealthApi(
    ClusterHealthMonitor monitor,
    ClusterProber prober,
    RequestAuthorizer authorizer,
    TimeProvider time,
    ILogger<ClusterHealthApi> logger)
{
    public const string Resource = "clusterhealths";

    private static readonly byte[] Newline = "\n"u8.ToArray();
    private static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinWatchTimeout = TimeSpan.FromMinutes(30);

    private ClusterHealthStore Store => monitor.Store;

    public async Task ListAsync(HttpContext context)
    {
        var options = ListOptions.Parse(context.Request.Query);
        var verb = options.Watch ? "watch" : "list";
        if (!await AuthorizeAsync(context, new ResourceRequest(verb, Resource, Name: options.Names.Single))) return;
        await WaitForSyncAsync(context.RequestAborted);
        if (options.Watch)
        {
            await WatchAsync(context, options);
            return;
        }

        var (resourceVersion, items) = Store.Snapshot();
        var selected = items.Where(h => Selected(h, options)).ToList();
        var start = options.ContinueAfter is { } after ? selected.FindIndex(h => string.CompareOrdinal(h.Metadata.Name, after) > 0) : 0;
        if (start < 0) start = selected.Count;
        var page = options.Limit > 0 ? selected.Skip(start).Take(options.Limit).ToList() : selected.Skip(start).ToList();
        var remaining = selected.Count - start - page.Count;
        var metadata = new V1ListMeta
        {
            ResourceVersion = resourceVersion.ToString(),
            ContinueProperty = remaining > 0 ? ListOptions.EncodeContinue(page[^1].Metadata.Name) : null,
            RemainingItemCount = remaining > 0 ? remaining : null,
        };
        if (WantsTable(context.Request))
        {
            await KubeResponses.WriteJsonAsync(context, ClusterHealthTable.Of(page.Select(monitor.Render), metadata, options.IncludeObject, Now));
            return;
        }

        context.Response.ContentType = KubeResponses.JsonContentType;
        await ClusterHealthJson.WriteListAsync(context.Response.BodyWriter, metadata, page, monitor.HeartbeatOf, context.RequestAborted);
    }

    public async Task GetAsync(HttpContext context, string name)
    {
        var options = ListOptions.Parse(context.Request.Query);
        if (!await AuthorizeAsync(context, new ResourceRequest("get", Resource, Name: name))) return;
        await WaitForSyncAsync(context.RequestAborted);
        var stored = Store.Get(name) ?? throw KubeResponses.NotFound(name);
        if (WantsTable(context.Request))
        {
            var health = monitor.Render(stored);
            await KubeResponses.WriteJsonAsync(context, ClusterHealthTable.Of([health], new V1ListMeta { ResourceVersion = health.Metadata.ResourceVersion }, options.IncludeObject, Now));
            return;
        }

        context.Response.ContentType = KubeResponses.JsonContentType;
        await ClusterHealthJson.WriteObjectAsync(context.Response.BodyWriter, stored, monitor.HeartbeatOf(stored), context.RequestAborted);
    }

    public async Task ProbeAsync(HttpContext context, string name)
    {
        if (!await AuthorizeAsync(context, new ResourceRequest("get", Resource, "probe", name))) return;
        await WaitForSyncAsync(context.RequestAborted);
        try
        {
            await KubeResponses.WriteJsonAsync(context, await prober.ProbeAsync(name, context.RequestAborted));
        }
        catch (ProbeUnavailableException e)
        {
            await KubeResponses.WriteStatusAsync(context, StatusCodes.Status503ServiceUnavailable, e.Message);
        }
    }

    private async Task WatchAsync(HttpContext context, ListOptions options)
    {
        var table = WantsTable(context.Request);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = KubeResponses.JsonContentType;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        HealthSubscription subscription;
        try
        {
            subscription = Store.Subscribe(options.ResourceVersion);
        }
        catch (ResourceVersionTooOldException e)
        {
            // As kube-apiserver does: the watch opens, then ends at once with an ERROR event carrying 410 Expired.
            await WriteEventAsync(context, "ERROR", StatusBody.For(StatusCodes.Status410Gone, e.Message));
            return;
        }

        using (subscription)
        {
            var timeout = options.Timeout is { } requested && requested > TimeSpan.Zero
                ? requested
                : MinWatchTimeout * (1 + Random.Shared.NextDouble());
            using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            ends.CancelAfter(timeout);
            // Headers now, so that the client (and the aggregator in between) knows the watch is open before any event.
            await response.StartAsync(ends.Token);
            await response.Body.FlushAsync(ends.Token);
            var firstTable = true;
            try
            {
                while (true)
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(ends.Token);
                    tick.CancelAfter(BookmarkInterval);
                    bool more;
                    try
                    {
                        more = await subscription.Changes.WaitToReadAsync(tick.Token);
                    }
                    catch (OperationCanceledException) when (!ends.IsCancellationRequested)
                    {
                        if (options.AllowBookmarks) await WriteEventAsync(context, "BOOKMARK", Bookmark(Store.ResourceVersion));
                        continue;
                    }

                    if (!more) break;
                    while (subscription.Changes.TryRead(out var change))
                    {
                        if (EventFor(change, options) is not { } type) continue;
                        var rendered = monitor.Render(change.Object);
                        object body = table
                            ? ClusterHealthTable.Of([rendered], new V1ListMeta { ResourceVersion = rendered.Metadata.ResourceVersion }, options.IncludeObject, Now, withColumns: firstTable)
                            : rendered;
                        firstTable = false;
                        await WriteEventAsync(context, type, body);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (subscription.Overflowed)
            {
                logger.WatchFellBehind();
                await WriteEventAsync(context, "ERROR", StatusBody.For(StatusCodes.Status410Gone, "the watch fell too far behind; list again"));
            }
        }
    }

    /// <summary>The event a watcher with these selectors sees for a change (an object that stops matching is DELETED for it).</summary>
    private static string? EventFor(HealthChange change, ListOptions options)
    {
        var now = Selected(change.Object, options);
        var before = change.Old is not null && Selected(change.Old, options);
        return change.Kind switch
        {
            WatchEventKind.Added => now ? "ADDED" : null,
            WatchEventKind.Deleted => now ? "DELETED" : null,
            _ when now && before => "MODIFIED",
            _ when now => "ADDED",
            _ when before => "DELETED",
            _ => null,
        };
    }

    private static bool Selected(ClusterHealth health, ListOptions options) =>
        options.Names.Matches(health.Metadata.Name) && options.Labels.Matches(health.Metadata.Labels);

    private static async Task WriteEventAsync(HttpContext context, string type, object body)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new WatchEventBody(type, body), KubeJson.Options);
        await context.Response.Body.WriteAsync(line, context.RequestAborted);
        await context.Response.Body.WriteAsync(Newline, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static object Bookmark(long resourceVersion) => new Dictionary<string, object>
    {
        ["kind"] = "ClusterHealth",
        ["apiVersion"] = KagentConstants.HealthGroupVersion,
        ["metadata"] = new Dictionary<string, string> { ["resourceVersion"] = resourceVersion.ToString() },
    };

    private async Task<bool> AuthorizeAsync(HttpContext context, ResourceRequest request)
    {
        var user = FrontProxyAuthenticationHandler.UserOf(context.User);
        var decision = await authorizer.AuthorizeAsync(user, request, context.RequestAborted);
        if (decision.Allowed) return true;
        await KubeResponses.WriteStatusAsync(context, StatusCodes.Status403Forbidden, request.DeniedMessage(user.Name, decision.Reason));
        return false;
    }

    private async Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            await monitor.Synced.WaitAsync(SyncWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new KubeResponses.ApiException(StatusCodes.Status503ServiceUnavailable, "the hub has not finished reading Clusters, Leases and ClusterRegistrations from the control plane yet; try again");
        }
    }

    /// <summary>kubectl's human output asks for meta.k8s.io Table first; anything else gets the object itself.</summary>
    private static bool WantsTable(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("as=Table", StringComparison.Ordinal) && a.Contains("g=meta.k8s.io", StringComparison.Ordinal));

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private sealed record WatchEventBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("object")] object Object);
}
