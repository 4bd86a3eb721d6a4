using System.Diagnostics;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Hosting;
using Kagent.Operator.LeaderElection;
using Kagent.Testing;
using Kagent.Testing.Faults;
using Kagent.Testing.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Operator;

/// <summary>Two operator instances share one Lease: only the leader reconciles, and a lost leader hands over in time.</summary>
[Collection(FleetCollection.Name)]
public sealed class LeaderElectionTests(FleetFixture fleet, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _namespace = $"leader-{Guid.NewGuid().ToString("N")[..6]}";

    private EntityClient<Widget> Widgets => new(fleet.ControlPlane.Admin);

    public async Task InitializeAsync()
    {
        await ControlPlane.InstallCrdsAsync(fleet.ControlPlane.Admin, [typeof(Widget)], CancellationToken.None);
        await fleet.ControlPlane.EnsureNamespaceAsync(_namespace);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task WaitPreciselyAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Timeout) throw new TimeoutException($"timed out after {Timeout} waiting for: {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Only_the_leader_reconciles_and_a_cut_off_leader_stops_and_hands_over_within_the_lease_duration()
    {
        await using var proxyA = new TcpProxy(fleet.ControlPlane.Server.Port);
        using var clientA = fleet.ControlPlane.Server.AdminVia(proxyA.Url);
        var (journalA, journalB) = (new ControllerJournal(), new ControllerJournal());
        using var a = OperatorHosts.Build(clientA, journalA, _namespace, Election("replica-a"));
        using var b = OperatorHosts.Build(fleet.ControlPlane.Admin, journalB, _namespace, Election("replica-b"));

        await a.StartAsync();
        await Eventually.TrueAsync(() => IsLeader(a), Timeout, "replica-a leads");
        await b.StartAsync();

        await Widgets.CreateAsync(NewWidget("first"));
        await Eventually.TrueAsync(() => journalA.For("first").Count > 0, Timeout, "the leader reconciles");
        Assert.False(IsLeader(b));
        Assert.Empty(journalB.Reconciles);

        // Cut the leader off: it can no longer renew.
        var cut = Stopwatch.StartNew();
        proxyA.Refuse();
        // Leadership is read from memory every 20 ms: a backing-off wait would add up to half a second to what is measured.
        await WaitPreciselyAsync(() => !IsLeader(a), "replica-a gives up leadership");
        var stoppedAfter = cut.Elapsed;
        await WaitPreciselyAsync(() => IsLeader(b), "replica-b takes over");
        var takenOverAfter = cut.Elapsed;
        output.WriteLine($"leader stopped after {stoppedAfter.TotalSeconds:0.0}s, new leader after {takenOverAfter.TotalSeconds:0.0}s");

        Assert.True(stoppedAfter <= RenewDeadline + RetryPeriod * 2 + TimeSpan.FromSeconds(1), $"old leader stopped only after {stoppedAfter}");
        Assert.True(takenOverAfter <= LeaseDuration + RetryPeriod * 2 + TimeSpan.FromSeconds(1), $"handover took {takenOverAfter}");

        var lease = await fleet.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Election("").LeaseName, "karmada-system");
        Assert.Equal(("replica-b", 1), (lease.Spec.HolderIdentity, lease.Spec.LeaseTransitions));

        await Widgets.CreateAsync(NewWidget("second"));
        await Eventually.TrueAsync(() => journalB.For("second").Count > 0, Timeout, "the new leader reconciles");
        Assert.Empty(journalA.For("second"));

        await b.StopAsync();
        await a.StopAsync();
    }

    [Fact]
    public async Task A_stopped_leader_releases_the_lease_and_the_watching_replica_takes_over_at_once()
    {
        // A lease of a minute: without the release, the next replica would wait for it to expire; and client-go's
        // default retry period: without the watch, it would wait for its next attempt (2-4.4s).
        var longLease = TimeSpan.FromMinutes(1);
        var defaultRetry = TimeSpan.FromSeconds(2);
        var (journalA, journalB) = (new ControllerJournal(), new ControllerJournal());
        using var a = OperatorHosts.Build(fleet.ControlPlane.Admin, journalA, _namespace, Election("replica-a") with { LeaseDuration = longLease, RenewDeadline = RenewDeadline, RetryPeriod = defaultRetry });
        using var b = OperatorHosts.Build(fleet.ControlPlane.Admin, journalB, _namespace, Election("replica-b") with { LeaseDuration = longLease, RenewDeadline = RenewDeadline, RetryPeriod = defaultRetry });
        await a.StartAsync();
        await Eventually.TrueAsync(() => IsLeader(a), Timeout, "replica-a leads");
        await b.StartAsync();

        // A rolling update: the leader gets SIGTERM.
        var stopped = Stopwatch.StartNew();
        await a.StopAsync();
        var lease = await fleet.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Election("").LeaseName, "karmada-system");
        Assert.True(lease.Spec.HolderIdentity is null or "" || lease.Spec.HolderIdentity == "replica-b", $"the stopped leader still holds the lease: {lease.Spec.HolderIdentity}");
        await WaitPreciselyAsync(() => IsLeader(b), "replica-b takes over");
        output.WriteLine($"replica-b leads {stopped.Elapsed.TotalSeconds:0.00}s after replica-a was stopped (lease duration {longLease.TotalSeconds}s, retry period {defaultRetry.TotalSeconds}s)");
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(1), $"handover took {stopped.Elapsed}");
        await b.StopAsync();
    }

    [Fact]
    public async Task The_holder_renews_with_one_write_and_no_read_and_reads_again_after_a_conflict()
    {
        var requests = new RequestLog();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(fleet.ControlPlane.Server.AdminKubeconfig()));
        using var client = new KubeClient(k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(stream), requests);
        var holder = new LeaseLock(client, Election("holder"), TimeProvider.System);
        Assert.True(await holder.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(["GET", "POST"], requests.Take());

        for (var i = 0; i < 3; i++) Assert.True(await holder.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(["PUT", "PUT", "PUT"], requests.Take());

        // Someone else writes the Lease: the optimistic write conflicts, the holder reads it and still holds it.
        var leases = fleet.ControlPlane.Admin.CoordinationV1;
        var touched = await leases.ReadNamespacedLeaseAsync(Election("").LeaseName, "karmada-system");
        touched.Metadata.Labels = new Dictionary<string, string> { ["touched"] = "yes" };
        await leases.ReplaceNamespacedLeaseAsync(touched, touched.Metadata.Name, "karmada-system");
        Assert.True(await holder.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(["PUT", "GET", "PUT"], requests.Take());

        // Another replica sees a valid Lease held by someone else and does not write.
        var other = new LeaseLock(client, Election("other"), TimeProvider.System);
        Assert.False(await other.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.Equal(["GET"], requests.Take());
        var lease = await leases.ReadNamespacedLeaseAsync(Election("").LeaseName, "karmada-system");
        Assert.Equal(("holder", 0, 4), (lease.Spec.HolderIdentity, lease.Spec.LeaseTransitions, lease.Spec.LeaseDurationSeconds));
    }

    /// <summary>The methods of the requests a client sent, in order.</summary>
    private sealed class RequestLog : DelegatingHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _methods = new();

        public List<string> Take()
        {
            var taken = new List<string>();
            while (_methods.TryDequeue(out var method)) taken.Add(method);
            return taken;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _methods.Enqueue(request.Method.Method);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private OperatorLeaderElectionOptions Election(string identity) => new()
    {
        LeaseName = $"widget-operator-{_namespace}",
        LeaseNamespace = "karmada-system",
        Identity = identity,
        LeaseDuration = LeaseDuration,
        RenewDeadline = RenewDeadline,
        RetryPeriod = RetryPeriod,
    };

    private static bool IsLeader(IHost host) => host.Services.GetRequiredService<OperatorHost>().IsLeader;

    private Widget NewWidget(string name) => new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _namespace } };
}
