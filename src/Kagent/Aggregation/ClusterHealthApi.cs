using k8s.Models;
using Kagent.Aggregation.Health;
using Kagent.Aggregation.Probe;
using Kagent.Aggregation.Requests;
using Kagent.Aggregation.Security;
using Kagent.Aggregation.Tables;
using Kagent.Api.V1Alpha1;

namespace Kagent.Aggregation;

/// <summary>
/// GET and LIST of clusterhealths and the probe and history subresources, as kube-apiserver serves a resource: JSON or Table
/// (for kubectl's human output), label and field selectors, limit/continue, resourceVersion; a WATCH is handed to
/// <see cref="ClusterHealthWatch"/>. Every request is authorized before anything is read.
/// </summary>
public sealed class ClusterHealthApi(
    ClusterHealthMonitor monitor,
    ClusterHealthWatch watch,
    ClusterProber prober,
    RequestAuthorizer authorizer,
    TimeProvider time)
{
    public const string Resource = "clusterhealths";

    private static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(10);

    private ClusterHealthStore Store => monitor.Store;

    public async Task ListAsync(HttpContext context)
    {
        var options = ListOptions.Parse(context.Request.Query);
        var verb = options.Watch ? "watch" : "list";
        if (!await AuthorizeAsync(context, new ResourceRequest(verb, Resource, Name: options.Names.Single))) return;
        await WaitForSyncAsync(context.RequestAborted);
        if (options.Watch)
        {
            await watch.ServeAsync(context, options, WantsTable(context.Request));
            return;
        }

        var (resourceVersion, items) = Store.Snapshot();
        var selected = items.Where(h => options.Selects(h.Metadata)).ToList();
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
        await ClusterHealthJson.WriteListAsync(context.Response.BodyWriter, metadata, page, monitor.LiveOf, context.RequestAborted);
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
        await ClusterHealthJson.WriteObjectAsync(context.Response.BodyWriter, stored, monitor.LiveOf(stored), context.RequestAborted);
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

    /// <summary>The cluster's readiness history: its transitions and hourly aggregate (empty before the hub recorded any).</summary>
    public async Task HistoryAsync(HttpContext context, string name)
    {
        if (!await AuthorizeAsync(context, new ResourceRequest("get", Resource, "history", name))) return;
        await WaitForSyncAsync(context.RequestAborted);
        if (Store.Get(name) is null) throw KubeResponses.NotFound(name);
        var record = monitor.AvailabilityRecordOf(name);
        await KubeResponses.WriteJsonAsync(context, new ClusterHealthHistory
        {
            Metadata = new V1ObjectMeta { Name = name },
            Since = record?.Spec.Since,
            Transitions = record?.Spec.Transitions ?? [],
            Hours = record?.Spec.Hours ?? [],
        });
    }

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
}
