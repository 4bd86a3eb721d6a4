using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Aggregation.Health;
using Kagent.Aggregation.Requests;
using Kagent.Aggregation.Tables;
using Kagent.Api;
using Kagent.Hub;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Microsoft.AspNetCore.Http.Features;

namespace Kagent.Aggregation;

/// <summary>
/// A watch of clusterhealths, as kube-apiserver streams one: from the requested resourceVersion (410 Expired when
/// the store no longer has it), selectors applied to each change (an object leaving the selection is DELETED for
/// the watcher), bookmarks when asked for, Table rows for kubectl, and an end after the timeout or when the watcher
/// falls too far behind.
/// </summary>
public sealed class ClusterHealthWatch(ClusterHealthMonitor monitor, TimeProvider time, ILogger<ClusterHealthWatch> logger)
{
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinWatchTimeout = TimeSpan.FromMinutes(30);

    private ClusterHealthStore Store => monitor.Store;

    public async Task ServeAsync(HttpContext context, ListOptions options, bool table)
    {
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
                            ? ClusterHealthTable.Of([rendered], new V1ListMeta { ResourceVersion = rendered.Metadata.ResourceVersion }, options.IncludeObject, time.GetUtcNow().UtcDateTime, withColumns: firstTable)
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
        var now = options.Selects(change.Object.Metadata);
        var before = change.Old is not null && options.Selects(change.Old.Metadata);
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

    private static async Task WriteEventAsync(HttpContext context, string type, object body)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new WatchEventBody(type, body), KubeJson.Options);
        await context.Response.Body.WriteAsync(line, context.RequestAborted);
        await context.Response.Body.WriteAsync(Newline, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static Dictionary<string, object> Bookmark(long resourceVersion) => new()
    {
        ["kind"] = "ClusterHealth",
        ["apiVersion"] = KagentConstants.HealthGroupVersion,
        ["metadata"] = new Dictionary<string, string> { ["resourceVersion"] = resourceVersion.ToString() },
    };

    private sealed record WatchEventBody([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("object")] object Object);
}
