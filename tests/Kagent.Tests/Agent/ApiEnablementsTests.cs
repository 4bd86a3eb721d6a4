using k8s;
using Kagent.Agent.Status;
using Kagent.Operator.Client;
using Kagent.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Kagent.Tests.Agent;

/// <summary>
/// API enablements from a discovery endpoint that fails on demand (WireMock.Net): a transient failure never wipes
/// what the scheduler needs (a known Karmada bug does), and a slow one never holds the status back.
/// </summary>
public sealed class ApiEnablementsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly Dictionary<string, Guid> _mappings = [];
    private readonly ApiEnablements _enablements;

    public ApiEnablementsTests()
    {
        _enablements = new ApiEnablements(new KubeClient(new KubernetesClientConfiguration { Host = _server.Url! }), TimeProvider.System);
        Serve("/api", """{"versions":["v1"]}""");
        Serve("/api/v1", """{"resources":[{"name":"pods","kind":"Pod"},{"name":"pods/log","kind":"Pod"},{"name":"nodes","kind":"Node"}]}""");
        Serve("/apis/apps/v1", """{"resources":[{"name":"deployments","kind":"Deployment"}]}""");
        Serve("/apis/batch/v1", """{"resources":[{"name":"jobs","kind":"Job"}]}""");
        ServeGroups("apps/v1");
    }

    public void Dispose() => _server.Stop();

    [Fact]
    public async Task Group_versions_and_resources_are_sorted_without_subresources()
    {
        var result = await _enablements.CollectAsync(CancellationToken.None);
        Assert.Equal(EnablementsCompleteness.Complete, result!.Completeness);
        Assert.Equal(["apps/v1", "v1"], result.Enablements.Select(e => e.GroupVersion));
        Assert.Equal(["nodes", "pods"], result.Enablements.Single(e => e.GroupVersion == "v1").Resources!.Select(r => r.Name));
    }

    [Fact]
    public async Task A_group_version_that_fails_keeps_its_last_resources_and_is_read_again()
    {
        await _enablements.CollectAsync(CancellationToken.None);
        Fail("/apis/apps/v1");
        ServeGroups("apps/v1", "batch/v1");

        var kept = await CollectUntilAsync(r => r.Enablements.Any(e => e.GroupVersion == "batch/v1"));
        Assert.Equal(EnablementsCompleteness.Complete, kept.Completeness);
        Assert.Equal(1, kept.FailedGroupVersions);
        Assert.Equal("deployments", kept.Enablements.Single(e => e.GroupVersion == "apps/v1").Resources!.Single().Name);

        Serve("/apis/apps/v1", """{"resources":[{"name":"deployments","kind":"Deployment"},{"name":"replicasets","kind":"ReplicaSet"}]}""");
        var fresh = await CollectUntilAsync(r => r.FailedGroupVersions == 0);
        Assert.Equal(["deployments", "replicasets"], fresh.Enablements.Single(e => e.GroupVersion == "apps/v1").Resources!.Select(r => r.Name));
    }

    [Fact]
    public async Task A_new_group_version_that_fails_makes_the_result_partial_not_empty()
    {
        await _enablements.CollectAsync(CancellationToken.None);
        Fail("/apis/batch/v1");
        ServeGroups("apps/v1", "batch/v1");

        var partial = await CollectUntilAsync(r => r.Completeness != EnablementsCompleteness.Complete);
        Assert.Equal(EnablementsCompleteness.Partial, partial.Completeness);
        Assert.Equal(["apps/v1", "v1"], partial.Enablements.Select(e => e.GroupVersion));
    }

    [Fact]
    public async Task A_failed_discovery_keeps_the_whole_last_result()
    {
        var first = await _enablements.CollectAsync(CancellationToken.None);
        Fail("/apis");
        ServeGroups();   // would drop apps/v1, were it read
        for (var i = 0; i < 3; i++) Assert.Same(first, await _enablements.CollectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_slow_discovery_does_not_hold_the_status_back()
    {
        var first = await _enablements.CollectAsync(CancellationToken.None);
        Serve("/apis", """{"groups":[]}""", delay: TimeSpan.FromSeconds(30));

        var started = DateTime.UtcNow;
        Assert.Same(first, await _enablements.CollectAsync(CancellationToken.None));
        Assert.Same(first, await _enablements.CollectAsync(CancellationToken.None));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "CollectAsync waited for the slow discovery");
    }

    private async Task<EnablementsResult> CollectUntilAsync(Func<EnablementsResult, bool> condition) =>
        (await Eventually.MatchAsync(() => _enablements.CollectAsync(CancellationToken.None), r => r is not null && condition(r), Timeout, "enablements"))!;

    private void Serve(string path, string body, TimeSpan? delay = null) => Answer(path, 200, body, delay);

    private void ServeGroups(params string[] groupVersions) =>
        Serve("/apis", $$"""{"groups":[{{string.Join(',', groupVersions.Select(gv => $$"""{"versions":[{"groupVersion":"{{gv}}"}]}"""))}}]}""");

    private void Fail(string path) => Answer(path, 500, "injected", null);

    /// <summary>One mapping per path, replaced by the next answer for it.</summary>
    private void Answer(string path, int status, string body, TimeSpan? delay)
    {
        if (!_mappings.TryGetValue(path, out var id)) _mappings[path] = id = Guid.NewGuid();
        var response = Response.Create().WithStatusCode(status).WithBody(body);
        if (delay is { } d) response = response.WithDelay(d);
        _server.Given(Request.Create().WithPath(path).UsingGet()).WithGuid(id).RespondWith(response);
    }
}
