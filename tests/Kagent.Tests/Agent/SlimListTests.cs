using Kagent.Agent.Status;
using Kagent.Operator.Cache;
using Xunit;

namespace Kagent.Tests.Agent;

/// <summary>Slim types read large list pages from a real server (more than one stream buffer).</summary>
[Collection(Kagent.Testing.Fixtures.FleetCollection.Name)]
public sealed class SlimListTests(Kagent.Testing.Fixtures.FleetFixture fleet)
{
    [Fact]
    public async Task A_large_page_of_pods_is_read_into_slim_pods()
    {
        var member = fleet.Member2;
        await member.EnsureNamespaceAsync("slim");
        using var http = member.Server.AdminHttpClient();
        await Parallel.ForEachAsync(Enumerable.Range(0, 300), async (i, ct) =>
        {
            var pod = System.Text.Json.JsonSerializer.Serialize(new
            {
                apiVersion = "v1", kind = "Pod",
                metadata = new { name = $"slim-{i}", labels = new { a = new string('x', 60) }, annotations = new { note = new string('y', 200) } },
                spec = new { nodeName = "n", containers = new[] { new { name = "c", image = "x", resources = new { requests = new { cpu = "10m" } } } } },
            });
            (await http.PostAsync("api/v1/namespaces/slim/pods", new StringContent(pod, System.Text.Encoding.UTF8, "application/json"), ct)).EnsureSuccessStatusCode();
        });

        var watcher = new ResourceWatcher<SlimPod>(member.Admin, new Kagent.Operator.Client.ResourcePath("", "v1", "pods", "slim"), transform: p => p.Compact(new CompactionPool()));
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        await watcher.Synced.WaitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await run;
        Assert.Equal(300, watcher.Count);
        Assert.All(watcher.Items, p => Assert.Equal(0.01m, p.Requests.CpuCores));
        Assert.Equal(0, watcher.Stats.Errors);
    }
}
