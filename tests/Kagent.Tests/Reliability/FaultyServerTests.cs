using k8s;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Faults;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Reliability;

/// <summary>
/// The agent talks to one of its servers through a proxy that answers one request in ten with a 500 and delays
/// one in ten by 5 s before passing it on. Its heartbeat and status keep going, and its sockets, threads and
/// memory stay flat. Two minutes by default (twelve node flips, so that one slow stretch of faults cannot hide half of them); KAGENT_CHURN_SECONDS=1800 (hack/soak.sh) runs each for 30 minutes.
/// </summary>
public sealed class FaultyServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "churn1";
    private const string InjectedStatus = """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected fault","reason":"InternalError","code":500}""";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly FaultMix Faults = new(ErrorShare: 0.1, DelayShare: 0.1, Delay: TimeSpan.FromSeconds(5));
    private readonly OnboardingFixture _fleet = new("churn", [Name]);

    private MemberCluster Member => _fleet.Fleet.Member(Name);

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync() => _fleet.DisposeAsync();

    [Fact]
    public async Task Through_500s_and_5s_delays_from_the_control_plane_heartbeat_and_status_keep_going_and_nothing_leaks()
    {
        // WireMock.Net answers whole responses only, which is all the control plane's side needs: the agent
        // writes there and never keeps a watch open through it.
        using var proxy = WireMockServer.Start(new WireMockServerSettings { MaxRequestLogCount = 100 });
        var upstream = _fleet.ControlPlane.Server.Url;
        proxy.Given(Request.Create().UsingAnyMethod()).AtPriority(1).WithProbability(Faults.ErrorShare)
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json").WithBody(InjectedStatus));
        proxy.Given(Request.Create().UsingAnyMethod()).AtPriority(2).WithProbability(Faults.DelayShare)
            .RespondWith(Response.Create().WithProxy(upstream).WithDelay(Faults.Delay));
        proxy.Given(Request.Create().UsingAnyMethod()).AtPriority(10).RespondWith(Response.Create().WithProxy(upstream));

        var karmadaViaProxy = Path.Combine(_fleet.Fleet.Root, "karmada-via-proxy.kubeconfig");
        await File.WriteAllTextAsync(karmadaViaProxy, _fleet.ControlPlane.Server.AdminKubeconfigVia(proxy.Url!));
        await ChurnAsync(karmadaViaProxy, _fleet.AgentMemberKubeconfig(Name), "control plane", ["--cluster-failure-threshold", "1s"]);
        proxy.Stop();
    }

    [Fact]
    public async Task Through_500s_and_5s_delays_from_the_member_watches_probes_and_status_keep_going_and_nothing_leaks()
    {
        // The member's side carries the node and pod watches, so the proxy must stream: a streaming fault proxy,
        // reaching the member as the agent's own identity.
        await using var proxy = await HttpFaultProxy.StartAsync(Member.Server.Url,
            Member.Server.HandlerFor(Identities.AgentInMember, Identities.ServiceAccountGroups), Faults);
        var memberViaProxy = Path.Combine(_fleet.Fleet.Root, "member-via-proxy.kubeconfig");
        await File.WriteAllTextAsync(memberViaProxy, Kubeconfig.Render(Name, proxy.Url, null, Identities.AgentInMember, new Credentials.Token("dropped-by-the-proxy")));
        // A probe answered with a 500 is "reachable but not ok"; the default 30 s failure threshold is what keeps
        // a tenth of them from turning the cluster not ready, as it is meant to.
        await ChurnAsync(_fleet.AgentKarmadaKubeconfig(Name), memberViaProxy, "member", ["--cluster-failure-threshold", "30s"]);
        output.WriteLine($"member proxy: {proxy.Requests} requests, {proxy.InjectedErrors} answered 500, {proxy.InjectedDelays} delayed 5s");
        Assert.True(proxy.InjectedErrors > 0 && proxy.InjectedDelays > 0, "the proxy injected no faults");
    }

    /// <summary>
    /// Runs an agent with the given kubeconfigs while the member's node c1 flips Ready every 10 s, reads the
    /// heartbeat twice a second, and asserts that renewals, status and the process footprint held.
    /// </summary>
    private async Task ChurnAsync(string karmadaKubeconfig, string memberKubeconfig, string faultySide, string[] thresholds)
    {
        var churn = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("KAGENT_CHURN_SECONDS"), out var seconds) ? seconds : 120);
        await Member.CreateNodeAsync(new SimulatedNode("c1"));
        await Member.CreateNodeAsync(new SimulatedNode("c2"));
        using var agent = KagentProcess.Start("agent-churn",
        [
            "agent", "--cluster-name", Name, "--karmada-kubeconfig", karmadaKubeconfig, "--kubeconfig", memberKubeconfig,
            "--cluster-api-endpoint", Member.Server.Url, "--cluster-status-update-frequency", "1s",
            "--cluster-lease-duration", "20s", "--cluster-lease-renew-interval-fraction", "0.1",
            "--cluster-success-threshold", "1s", .. thresholds,
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--log-format", "text",
        ], Path.Combine(_fleet.Fleet.Root, "agent-churn.log"));
        await Eventually.TrueAsync(async () => (await _fleet.Registrations.GetAsync(Name))?.Status.Phase == OnboardingConstants.PhasePending, Timeout,
            () => "registration pending\n" + agent.LogTail());
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        var clusters = new EntityClient<Cluster>(_fleet.ControlPlane.Admin);
        await Eventually.TrueAsync(async () => (await ReadyNodesAsync(clusters)) == 2, Timeout, () => "first status\n" + agent.LogTail());

        // Heartbeat and status start together; through faults either may come first.
        var leases = _fleet.ControlPlane.Admin.CoordinationV1;
        await Eventually.TrueAsync(async () => (await leases.ListNamespacedLeaseAsync(KarmadaConstants.ClusterNamespace)).Items.Any(l => l.Metadata.Name == Name),
            Timeout, () => "first heartbeat\n" + agent.LogTail());
        var baseline = ProcessFootprint.Of(agent.Pid);
        var renewals = new HashSet<DateTime>();
        var oldest = TimeSpan.Zero;
        var statusChanges = 0;
        int? lastReadyNodes = 2;
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < churn)
        {
            var tick = (int)(DateTime.UtcNow - started).TotalSeconds;
            if (tick % 10 == 0) await Member.SetNodeReadyAsync("c1", tick / 10 % 2 == 1);
            var lease = await leases.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace);
            renewals.Add(lease.Spec.RenewTime!.Value);
            var age = DateTime.UtcNow - lease.Spec.RenewTime!.Value.ToUniversalTime();
            if (age > oldest) oldest = age;
            var readyNodes = await ReadyNodesAsync(clusters);
            if (readyNodes != lastReadyNodes) statusChanges++;
            lastReadyNodes = readyNodes;
            Assert.False(agent.HasExited, agent.LogTail());
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var expected = (await Member.Admin.CoreV1.ReadNodeAsync("c1")).Status.Conditions.Single(c => c.Type == "Ready").Status == "True" ? 2 : 1;
        await Eventually.TrueAsync(async () => (await ReadyNodesAsync(clusters)) == expected, Timeout, () => "status follows the member\n" + agent.LogTail());
        var ready = (await clusters.GetAsync(Name))!.Status!.Conditions!.Single(c => c.Type == "Ready").Status == "True";

        var after = ProcessFootprint.Of(agent.Pid);
        var flips = (int)(churn.TotalSeconds / 10);
        output.WriteLine($"{churn.TotalSeconds:0}s of faults from the {faultySide}: {renewals.Count} heartbeat renewals seen, oldest heartbeat {oldest.TotalSeconds:0.0}s (lease 20s); " +
                         $"{statusChanges} of {flips} node flips seen in the control plane; footprint before {baseline}, after {after}");
        output.WriteLine("agent log tail:\n" + agent.LogTail(80));
        Assert.True(ready, "the cluster is not Ready after the churn");
        Assert.True(oldest < TimeSpan.FromSeconds(20), $"the heartbeat went {oldest.TotalSeconds:0.0}s without renewal; the lease lasts 20s");
        // Every 2s when nothing fails; a fifth of the requests failing or slow stretches that, never past the lease.
        Assert.True(renewals.Count >= churn.TotalSeconds / 8, $"only {renewals.Count} renewals in {churn.TotalSeconds:0}s");
        // Each flip stays 10 s; a status every 1 s shows nearly all of them even when some requests fail or wait 5 s.
        Assert.True(statusChanges >= flips / 2, $"the control plane saw {statusChanges} of {flips} node flips");
        Assert.True(after.FileDescriptors - baseline.FileDescriptors <= 20, $"file descriptors grew from {baseline.FileDescriptors} to {after.FileDescriptors}");
        Assert.True(after.Threads - baseline.Threads <= 16, $"threads grew from {baseline.Threads} to {after.Threads}");
        Assert.True(after.RssBytes - baseline.RssBytes <= 40L << 20, $"RSS grew from {baseline.RssBytes >> 20} to {after.RssBytes >> 20} MiB");
    }

    private static async Task<int?> ReadyNodesAsync(EntityClient<Cluster> clusters) =>
        (await clusters.GetAsync(Name))?.Status?.NodeSummary?.ReadyNum;
}
