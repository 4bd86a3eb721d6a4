using System.Collections.Concurrent;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Hosting;
using Kagent.Operator.Queue;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Kagent.Tests.Operator;

/// <summary>What the test controller and finalizer saw, and gates the tests hold them at.</summary>
public sealed class ControllerJournal
{
    public ConcurrentQueue<(string Name, long Generation, string ResourceVersion, DateTime At)> Reconciles { get; } = new();

    public ConcurrentQueue<string> Deleted { get; } = new();

    public ConcurrentQueue<string> Finalized { get; } = new();

    public ConcurrentDictionary<string, TaskCompletionSource> ReconcileGates { get; } = new();

    public ConcurrentDictionary<string, TaskCompletionSource> FinalizeGates { get; } = new();

    public ConcurrentDictionary<string, int> Failures { get; } = new();

    public IReadOnlyList<(string Name, long Generation, string ResourceVersion, DateTime At)> For(string name) =>
        Reconciles.Where(r => r.Name == name).ToList();
}

public sealed class WidgetController(ControllerJournal journal) : IEntityController<Widget>
{
    public async Task<ReconciliationResult<Widget>> ReconcileAsync(Widget entity, CancellationToken cancellationToken)
    {
        var name = entity.Metadata.Name;
        journal.Reconciles.Enqueue((name, entity.Metadata.Generation ?? 0, entity.Metadata.ResourceVersion, DateTime.UtcNow));
        if (journal.ReconcileGates.TryRemove(name, out var gate)) await gate.Task.WaitAsync(cancellationToken);
        var failures = journal.Failures.AddOrUpdate(name, 1, (_, n) => n + 1);
        return failures <= (entity.Spec.FailTimes ?? 0)
            ? ReconciliationResult<Widget>.Failure(entity, $"failing on purpose ({failures})")
            : ReconciliationResult<Widget>.Success(entity);
    }

    public Task<ReconciliationResult<Widget>> DeletedAsync(Widget entity, CancellationToken cancellationToken)
    {
        journal.Deleted.Enqueue(entity.Metadata.Name);
        return Task.FromResult(ReconciliationResult<Widget>.Success(entity));
    }
}

public sealed class WidgetFinalizer(ControllerJournal journal) : IEntityFinalizer<Widget>
{
    public const string Id = "test.kagent.io/cleanup";

    public async Task<ReconciliationResult<Widget>> FinalizeAsync(Widget entity, CancellationToken cancellationToken)
    {
        if (journal.FinalizeGates.TryGetValue(entity.Metadata.Name, out var gate)) await gate.Task.WaitAsync(cancellationToken);
        journal.Finalized.Enqueue(entity.Metadata.Name);
        return ReconciliationResult<Widget>.Success(entity);
    }
}

/// <summary>A controller on the runtime, against a real API server.</summary>
[Collection(FleetCollection.Name)]
public sealed class ControllerTests(FleetFixture fleet) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _namespace = $"ctrl-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly ControllerJournal _journal = new();
    private IHost? _host;

    private EntityClient<Widget> Widgets => new(fleet.ControlPlane.Admin);

    public async Task InitializeAsync()
    {
        await ControlPlane.InstallCrdsAsync(fleet.ControlPlane.Admin, [typeof(Widget)], CancellationToken.None);
        await fleet.ControlPlane.EnsureNamespaceAsync(_namespace);
        _host = OperatorHosts.Build(fleet.ControlPlane.Admin, _journal, _namespace, leaderElection: null);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    [Fact]
    public async Task Create_update_and_delete_are_seen_and_the_finalizer_blocks_deletion_until_released()
    {
        await Widgets.CreateAsync(NewWidget("lifecycle"));
        await Eventually.TrueAsync(() => _journal.For("lifecycle").Count >= 1, Timeout, "reconcile after create");
        var withFinalizer = await Widgets.GetAsync("lifecycle", _namespace);
        Assert.Contains(WidgetFinalizer.Id, withFinalizer!.Metadata.Finalizers);

        withFinalizer.Spec.Size = 7;
        await Widgets.ReplaceAsync(withFinalizer);
        await Eventually.TrueAsync(() => _journal.For("lifecycle").Any(r => r.Generation == 2), Timeout, "reconcile after update");

        var release = new TaskCompletionSource();
        _journal.FinalizeGates["lifecycle"] = release;
        await Widgets.DeleteAsync("lifecycle", _namespace);
        var terminating = await Eventually.MatchAsync(() => Widgets.GetAsync("lifecycle", _namespace), w => w?.Metadata.DeletionTimestamp is not null, Timeout, "deletion pending");
        Assert.Contains(WidgetFinalizer.Id, terminating!.Metadata.Finalizers);
        Assert.Empty(_journal.Deleted);

        release.SetResult();
        await Eventually.TrueAsync(async () => await Widgets.GetAsync("lifecycle", _namespace) is null, Timeout, "object gone once the finalizer is released");
        await Eventually.TrueAsync(() => _journal.Deleted.Contains("lifecycle"), Timeout, "DeletedAsync called");
        Assert.Contains("lifecycle", _journal.Finalized);
    }

    [Fact]
    public async Task A_burst_of_updates_is_reconciled_once_and_status_only_changes_are_ignored()
    {
        await Widgets.CreateAsync(NewWidget("burst"));
        await Eventually.TrueAsync(() => _journal.For("burst").Count >= 1, Timeout, "first reconcile");
        var before = _journal.For("burst").Count;

        // Hold the next reconcile while 20 updates arrive: the queue keeps one entry for the key.
        var gate = new TaskCompletionSource();
        _journal.ReconcileGates["burst"] = gate;
        var widget = (await Widgets.GetAsync("burst", _namespace))!;
        widget.Spec.Size = 1;
        widget = await Widgets.ReplaceAsync(widget);
        await Eventually.TrueAsync(() => _journal.For("burst").Count == before + 1, Timeout, "held reconcile started");
        for (var i = 2; i <= 21; i++)
        {
            widget.Spec.Size = i;
            widget = await Widgets.ReplaceAsync(widget);
        }

        var finalGeneration = widget.Metadata.Generation;
        using (var observer = await WatchUntilGenerationAsync("burst", finalGeneration!.Value))
        {
        }

        gate.SetResult();
        await Eventually.TrueAsync(() => _journal.For("burst").Any(r => r.Generation == finalGeneration), Timeout, "reconcile of the last generation");
        var afterBurst = _journal.For("burst").Count;
        Assert.InRange(afterBurst - before, 2, 3);

        // A status-only write (the controller's own, typically) does not trigger a reconcile.
        widget.Status.Observed = finalGeneration;
        await Widgets.ReplaceStatusAsync(widget);
        widget = (await Widgets.GetAsync("burst", _namespace))!;
        widget.Spec.Size = 50;
        var next = await Widgets.ReplaceAsync(widget);
        await Eventually.TrueAsync(() => _journal.For("burst").Any(r => r.Generation == next.Metadata.Generation), Timeout, "reconcile of the spec change");
        Assert.Equal(afterBurst + 1, _journal.For("burst").Count);
    }

    [Fact]
    public async Task A_failing_reconcile_is_retried_with_growing_delays()
    {
        var widget = NewWidget("flaky");
        widget.Spec.FailTimes = 4;
        await Widgets.CreateAsync(widget);
        await Eventually.TrueAsync(() => _journal.For("flaky").Count >= 5, Timeout, "four failures and a success");
        await Task.Yield();

        var times = _journal.For("flaky").Take(5).Select(r => r.At).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        // Base delay 100 ms doubling per failure: about 100, 200, 400, 800 ms.
        for (var i = 0; i < gaps.Count; i++)
        {
            Assert.True(gaps[i] >= 100 * Math.Pow(2, i) * 0.9, $"retry {i + 1} came after {gaps[i]:0} ms; gaps: {string.Join(", ", gaps.Select(g => g.ToString("0")))}");
        }

        Assert.True(gaps[3] > gaps[0] * 4, $"delays did not grow: {string.Join(", ", gaps.Select(g => g.ToString("0")))}");
        Assert.Equal(5, _journal.For("flaky").Count);
    }

    private Widget NewWidget(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _namespace } };

    /// <summary>Waits until a separate watch has seen the generation, so the controller's watch has had the same chance.</summary>
    private async Task<IDisposable> WatchUntilGenerationAsync(string name, long generation)
    {
        var watcher = new Kagent.Operator.Cache.ResourceWatcher<Widget>(fleet.ControlPlane.Admin, ResourcePath.For<Widget>(_namespace));
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        await Eventually.TrueAsync(() => watcher.Get($"{_namespace}/{name}")?.Metadata.Generation == generation, Timeout, "observer saw the last update");
        stop.Cancel();
        await run;
        return stop;
    }
}

/// <summary>Builds an operator host for the Widget controller, as an application would.</summary>
public static class OperatorHosts
{
    public static IHost Build(KubeClient client, ControllerJournal journal, string ns, Kagent.Operator.LeaderElection.OperatorLeaderElectionOptions? leaderElection)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddKeyedSingleton("control-plane", client);
        builder.Services.AddSingleton(journal);
        builder.Services
            .AddKubernetesOperator(new OperatorOptions { Name = "widget-operator", DefaultClientName = "control-plane", LeaderElection = leaderElection })
            .AddFinalizer<WidgetFinalizer, Widget>(WidgetFinalizer.Id)
            .AddController<WidgetController, Widget>(new ControllerOptions
            {
                Namespace = ns,
                Concurrency = 2,
                Queue = new WorkQueueOptions { BaseRetryDelay = TimeSpan.FromMilliseconds(100) },
            });
        return builder.Build();
    }
}
