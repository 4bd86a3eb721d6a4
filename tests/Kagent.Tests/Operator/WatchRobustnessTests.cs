using System.Diagnostics;
using k8s.Models;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Faults;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Metrics;
using Kagent.Testing.Servers;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Operator;

/// <summary>
/// The watch cache behind a proxy that cuts its connections on demand: it reconnects every time, resumes from the
/// last resourceVersion, relists on 410 Gone, stays equal to the server, and leaks neither sockets, threads nor memory.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class WatchRobustnessTests(FleetFixture fleet, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _namespace = $"watch-{Guid.NewGuid().ToString("N")[..6]}";
    private TcpProxy? _proxy;
    private KubeClient? _viaProxy;

    private EntityClient<Widget> Widgets => new(fleet.ControlPlane.Admin);

    public async Task InitializeAsync()
    {
        await ControlPlane.InstallCrdsAsync(fleet.ControlPlane.Admin, [typeof(Widget)], CancellationToken.None);
        await fleet.ControlPlane.EnsureNamespaceAsync(_namespace);
        _proxy = new TcpProxy(fleet.ControlPlane.Server.Port);
        _viaProxy = fleet.ControlPlane.Server.AdminVia(_proxy.Url);
    }

    public async Task DisposeAsync()
    {
        _viaProxy?.Dispose();
        if (_proxy is not null) await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task Hundreds_of_server_side_closes_leak_nothing_and_the_cache_stays_correct()
    {
        for (var i = 0; i < 5; i++) await Widgets.CreateAsync(NewWidget($"w{i}"));
        var watcher = NewWatcher(out var stop, out var run);
        await watcher.Synced.WaitAsync(Timeout);

        // Warm up (connection pools, JIT), then take the baseline.
        await CutAndWaitForReconnectAsync(watcher, 20);
        var baseline = Measure();

        const int reconnects = 300;
        await CutAndWaitForReconnectAsync(watcher, reconnects, async i =>
        {
            if (i % 25 == 0) await TouchAsync($"w{i / 25 % 5}", i);
        });

        await AssertCacheMatchesServerAsync(watcher);

        // The heap is the test process's: tests running beside this one hold memory for a while. A leak stays; their
        // garbage goes, so the growth is measured again until it is under the bound or the timeout says it stayed.
        var after = Measure();
        for (var deadline = DateTime.UtcNow + Timeout; after.ManagedBytes - baseline.ManagedBytes >= 16 << 20 && DateTime.UtcNow < deadline; after = Measure())
            await Task.Delay(TimeSpan.FromSeconds(1));
        output.WriteLine($"baseline {baseline}; after {reconnects} reconnects {after}; watches started {watcher.Stats.WatchesStarted}, relists {watcher.Stats.Relists}");
        Assert.Equal(1, watcher.Stats.ActiveWatches);
        Assert.True(after.SocketsToProxy - baseline.SocketsToProxy <= 2, $"sockets to the proxy grew from {baseline.SocketsToProxy} to {after.SocketsToProxy}");
        Assert.True(after.Threads - baseline.Threads <= 16, $"threads grew from {baseline.Threads} to {after.Threads}");
        Assert.True(after.ManagedBytes - baseline.ManagedBytes < 16 << 20, $"managed memory grew by {(after.ManagedBytes - baseline.ManagedBytes) >> 20} MiB");
        Assert.Equal(0, watcher.Stats.Relists);

        stop.Cancel();
        await run;
        Assert.Equal(0, watcher.Stats.ActiveWatches);
    }

    [Fact]
    public async Task A_stale_resource_version_is_a_410_and_a_relist_that_catches_up()
    {
        // The API server's watch cache keeps minutes of history; to make a resourceVersion too old on demand, this
        // test has a server of its own that watches etcd directly and compacts it every second.
        await using var server = await ApiServer.StartAsync(EnvtestBinaries.Default, new ApiServerOptions
        {
            Name = "compacting",
            WorkDirectory = Path.Combine(fleet.Fleet.Root, $"compacting-{Guid.NewGuid().ToString("N")[..6]}"),
            ExtraApiServerArguments = ["--watch-cache=false", "--etcd-compaction-interval=1s"],
        });
        await ControlPlane.InstallCrdsAsync(server.Admin, [typeof(Widget)], CancellationToken.None);
        await using var proxy = new TcpProxy(server.Port);
        using var viaProxy = server.AdminVia(proxy.Url);
        var widgets = new EntityClient<Widget>(server.Admin);
        await server.Admin.EnsureNamespaceAsync(_namespace);
        for (var i = 0; i < 4; i++) await widgets.CreateAsync(NewWidget($"s{i}"));

        using var relists = new InstrumentTotals("kagent_watch_relists_total", "resource", "widgets.test.kagent.io");
        using var restarts = new InstrumentTotals("kagent_watch_restarts_total", "resource", "widgets.test.kagent.io");
        var watcher = new ResourceWatcher<Widget>(viaProxy, ResourcePath.For<Widget>(_namespace),
            new ResourceWatcherOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        await watcher.Synced.WaitAsync(Timeout);
        var changes = new List<WatchEvent<Widget>>();
        watcher.Subscribe(change => { lock (changes) changes.Add(change); });
        var staleVersion = watcher.ResourceVersion;

        // An outage during which objects change and the server compacts past our resourceVersion.
        proxy.Refuse();
        for (var i = 0; i < 3; i++) await Touch(widgets, $"s{i}", i + 1);
        await widgets.DeleteAsync("s3", _namespace);
        await widgets.CreateAsync(NewWidget("s4"));
        await Eventually.TrueAsync(() => AnswersGoneAsync(server, staleVersion), Timeout, "the old resourceVersion answers 410 Gone");
        proxy.Resume();

        await Eventually.TrueAsync(() => watcher.Stats.Relists >= 1, Timeout, "relist after 410 Gone");
        await Eventually.TrueAsync(async () =>
        {
            var onServer = (await widgets.ListAsync(_namespace)).Items.ToDictionary(w => $"{_namespace}/{w.Metadata.Name}", w => w.Metadata.ResourceVersion);
            var cached = watcher.Items.ToDictionary(w => ObjectKey.Of(w), w => w.Metadata.ResourceVersion);
            return onServer.Count == cached.Count && onServer.All(kv => cached.TryGetValue(kv.Key, out var rv) && rv == kv.Value);
        }, Timeout, "cache equals the server's list");
        lock (changes)
        {
            Assert.Contains(changes, c => c.Kind == WatchEventKind.Deleted && c.Object.Metadata.Name == "s3");
            Assert.Contains(changes, c => c.Kind == WatchEventKind.Added && c.Object.Metadata.Name == "s4");
            Assert.Contains(changes, c => c.Kind == WatchEventKind.Modified && c.Object.Metadata.Name == "s0");
        }

        // Exported as kagent_watch_relists_total and kagent_watch_restarts_total (at least this watcher's).
        Assert.True(relists.Total >= watcher.Stats.Relists, $"relists measured {relists.Total}, watcher counted {watcher.Stats.Relists}");
        Assert.True(restarts.Total >= watcher.Stats.WatchesStarted - 1, $"restarts measured {restarts.Total}, watches started {watcher.Stats.WatchesStarted}");

        stop.Cancel();
        await run;
    }

    private static async Task<bool> AnswersGoneAsync(ApiServer server, string resourceVersion)
    {
        try
        {
            using var response = await server.Admin.SendAsync(HttpMethod.Get,
                ResourcePath.For<Widget>().WithQuery(("watch", "1"), ("resourceVersion", resourceVersion), ("timeoutSeconds", "1")));
            var body = await response.Content.ReadAsStringAsync();
            return body.Contains("\"code\":410");
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            return e.Response.StatusCode == System.Net.HttpStatusCode.Gone;
        }
    }

    private async Task Touch(EntityClient<Widget> widgets, string name, int value)
    {
        var widget = (await widgets.GetAsync(name, _namespace))!;
        widget.Spec.Size = value;
        await widgets.ReplaceAsync(widget);
    }

    private ResourceWatcher<Widget> NewWatcher(out CancellationTokenSource stop, out Task run)
    {
        var watcher = new ResourceWatcher<Widget>(_viaProxy!, ResourcePath.For<Widget>(_namespace),
            new ResourceWatcherOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(200) });
        stop = new CancellationTokenSource();
        run = watcher.RunAsync(stop.Token);
        return watcher;
    }

    private async Task CutAndWaitForReconnectAsync(ResourceWatcher<Widget> watcher, int times, Func<int, Task>? between = null)
    {
        for (var i = 0; i < times; i++)
        {
            await Eventually.TrueAsync(() => watcher.Stats.ActiveWatches == 1, Timeout, "watch open");
            var started = watcher.Stats.WatchesStarted;
            _proxy!.DropConnections();
            if (between is not null) await between(i);
            await Eventually.TrueAsync(() => watcher.Stats.WatchesStarted > started, Timeout, $"reconnect {i + 1}");
        }
    }

    private async Task AssertCacheMatchesServerAsync(ResourceWatcher<Widget> watcher)
    {
        await Eventually.TrueAsync(async () =>
        {
            var server = (await Widgets.ListAsync(_namespace)).Items.ToDictionary(w => $"{_namespace}/{w.Metadata.Name}", w => w.Metadata.ResourceVersion);
            var cached = watcher.Items.ToDictionary(w => ObjectKey.Of(w), w => w.Metadata.ResourceVersion);
            return server.Count == cached.Count && server.All(kv => cached.TryGetValue(kv.Key, out var rv) && rv == kv.Value);
        }, Timeout, "cache equals the server's list");
    }

    private async Task TouchAsync(string name, int value)
    {
        var widget = (await Widgets.GetAsync(name, _namespace))!;
        widget.Spec.Size = value % 100 + 1;
        await Widgets.ReplaceAsync(widget);
    }

    private Widget NewWidget(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _namespace } };

    private sealed record Usage(int SocketsToProxy, int Sockets, int Threads, long ManagedBytes)
    {
        public override string ToString() => $"{SocketsToProxy} sockets to the proxy ({Sockets} in the process), {Threads} threads, {ManagedBytes >> 20} MiB managed";
    }

    private Usage Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var sockets = Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith("socket:") == true;
            }
            catch (IOException)
            {
                return false;
            }
        });
        return new Usage(SocketsToProxy(), sockets, Process.GetCurrentProcess().Threads.Count, GC.GetTotalMemory(true));
    }

    /// <summary>
    /// Client sockets to the proxy that still hold a descriptor: a watch connection that was never disposed stays
    /// here after the proxy closed its end. Counted on the proxy's port, because other tests in the process open
    /// and close sockets of their own meanwhile.
    /// </summary>
    private int SocketsToProxy()
    {
        var port = $":{_proxy!.Port:X4}";
        return new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" }.Where(File.Exists)
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 9 && fields[2].EndsWith(port, StringComparison.Ordinal) && fields[9] != "0");
    }
}
