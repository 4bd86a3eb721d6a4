using k8s;
using k8s.Models;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Kagent.Tests.Operator;

/// <summary>
/// The watch cache's paged list against answers a real server gives only by chance (WireMock.Net): a page whose
/// metadata follows its items, and a continue token that expires between two pages (410 Gone), after which the
/// list starts over and the cache holds each object once, at the resourceVersion of the list that completed.
/// </summary>
public sealed class ListPagingTests : IDisposable
{
    private const string Path = "/api/v1/configmaps";
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task An_expired_continue_token_starts_the_list_over_and_every_object_is_kept_once()
    {
        _server.Given(Request.Create().WithPath(Path).UsingGet().WithParam("watch", "1")).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("").WithDelay(TimeSpan.FromSeconds(1)));
        _server.Given(Request.Create().WithPath(Path).UsingGet().WithParam("continue", "page-2")).AtPriority(2)
            .InScenario("expiry").WillSetStateTo("expired")
            .RespondWith(Response.Create().WithStatusCode(410).WithBody("""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}"""));
        _server.Given(Request.Create().WithPath(Path).UsingGet().WithParam("continue", "page-2")).AtPriority(2)
            .InScenario("expiry").WhenStateIs("expired")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Page("9", "c")));
        _server.Given(Request.Create().WithPath(Path).UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200)
                .WithBody("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"items\":[" + Item("a") + "," + Item("b") + "],\"metadata\":{\"resourceVersion\":\"8\",\"continue\":\"page-2\"}}"));

        using var client = new KubeClient(new KubernetesClientConfiguration { Host = _server.Url! });
        var watcher = new ResourceWatcher<V1ConfigMap>(client, new ResourcePath("", "v1", "configmaps"), new ResourceWatcherOptions { PageSize = 2 });
        using var stop = new CancellationTokenSource();
        var running = watcher.RunAsync(stop.Token);

        await watcher.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["default/a", "default/b", "default/c"], watcher.Items.Select(i => ObjectKey.Of(i).ToString()).Order());
        Assert.Equal("9", watcher.ResourceVersion);
        var firstPages = _server.LogEntries.Count(e => e.RequestMessage.Path == Path && e.RequestMessage.Query?.ContainsKey("continue") != true
            && e.RequestMessage.Query?.ContainsKey("watch") != true);
        Assert.Equal(2, firstPages);

        await stop.CancelAsync();
        await running;
    }

    private static string Item(string name) =>
        "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"resourceVersion\":\"1\"},\"data\":{\"k\":\"v\"}}";

    /// <summary>A last page, its metadata first as kube-apiserver writes it.</summary>
    private static string Page(string version, params string[] names) =>
        "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"" + version + "\"},\"items\":[" + string.Join(",", names.Select(Item)) + "]}";
}
