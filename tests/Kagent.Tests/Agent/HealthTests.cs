using k8s;
using k8s.Models;
using Kagent.Agent.Health;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Xunit;

namespace Kagent.Tests.Agent;

/// <summary>The member health probe against a server that misbehaves on demand (WireMock.Net), and Karmada's thresholds.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start();

    public void Dispose() => _server.Stop();

    private MemberHealthProbe Probe(TimeSpan timeout, bool checkLive = false) =>
        new(new KubeClient(new KubernetesClientConfiguration { Host = _server.Url! }), timeout, checkLive: checkLive);

    [Fact]
    public async Task A_hung_readyz_times_out_as_unreachable_instead_of_stalling()
    {
        _server.Given(Request.Create().WithPath("/readyz")).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok").WithDelay(TimeSpan.FromSeconds(30)));
        var started = DateTime.UtcNow;
        var result = await Probe(TimeSpan.FromSeconds(1)).ProbeAsync(CancellationToken.None);
        Assert.Equal(HealthOutcome.Unreachable, result.Outcome);
        Assert.Contains("timed out after 1s", result.Detail);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_failing_readyz_is_reachable_but_not_ok()
    {
        _server.Given(Request.Create().WithPath("/readyz")).RespondWith(Response.Create().WithStatusCode(500).WithBody("[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed"));
        var result = await Probe(TimeSpan.FromSeconds(5)).ProbeAsync(CancellationToken.None);
        Assert.Equal(HealthOutcome.NotOk, result.Outcome);
        Assert.Equal("failing checks: etcd", result.Detail);
    }

    [Fact]
    public async Task An_api_server_shutting_down_gracefully_is_not_a_failed_cluster()
    {
        _server.Given(Request.Create().WithPath("/readyz")).RespondWith(Response.Create().WithStatusCode(500).WithBody("[+]ping ok\n[-]shutdown failed: reason withheld\nreadyz check failed"));
        _server.Given(Request.Create().WithPath("/livez")).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var result = await Probe(TimeSpan.FromSeconds(5)).ProbeAsync(CancellationToken.None);
        Assert.Equal(HealthOutcome.Ok, result.Outcome);
        Assert.Contains("shutting down gracefully", result.Detail);
    }

    [Fact]
    public async Task Livez_is_read_only_when_readyz_fails()
    {
        _server.Given(Request.Create().WithPath("/readyz")).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        _server.Given(Request.Create().WithPath("/livez")).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var probe = Probe(TimeSpan.FromSeconds(5), checkLive: true);
        var ready = await probe.ProbeAsync(CancellationToken.None);
        Assert.Equal((HealthOutcome.Ok, false), (ready.Outcome, ready.LiveChecked));
        Assert.DoesNotContain(_server.LogEntries, e => e.RequestMessage.Path == "/livez");

        _server.Given(Request.Create().WithPath("/readyz")).RespondWith(Response.Create().WithStatusCode(500).WithBody("[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed"));
        var failing = await probe.ProbeAsync(CancellationToken.None);
        Assert.Equal((HealthOutcome.NotOk, true), (failing.Outcome, failing.LiveChecked));
        Assert.Equal(["/readyz etcd"], failing.FailingChecks);
    }

    [Fact]
    public async Task Without_readyz_the_probe_falls_back_to_healthz()
    {
        _server.Given(Request.Create().WithPath("/readyz")).RespondWith(Response.Create().WithStatusCode(404));
        _server.Given(Request.Create().WithPath("/healthz")).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        Assert.Equal(HealthOutcome.Ok, (await Probe(TimeSpan.FromSeconds(5)).ProbeAsync(CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_refused_connection_is_unreachable()
    {
        var closed = new MemberHealthProbe(new KubeClient(new KubernetesClientConfiguration { Host = $"http://127.0.0.1:{Kagent.Testing.Servers.FreePort.Next()}" }), TimeSpan.FromSeconds(5));
        var result = await closed.ProbeAsync(CancellationToken.None);
        Assert.Equal(HealthOutcome.Unreachable, result.Outcome);
        Assert.Contains("GET /readyz", result.Detail);
    }

    [Fact]
    public void Ready_follows_the_probe_and_the_nodes()
    {
        var ok = new HealthResult(HealthOutcome.Ok, "ok");
        Assert.Equal(("True", KarmadaConstants.ReasonClusterReady), Pair(ReadyCondition.Observe(ok, 3, 1)));
        Assert.Equal(("False", KarmadaConstants.ReasonClusterNotReady), Pair(ReadyCondition.Observe(ok, 3, 0)));
        Assert.Equal(("False", KarmadaConstants.ReasonClusterNotReady), Pair(ReadyCondition.Observe(new HealthResult(HealthOutcome.NotOk, ""), 3, 3)));
        Assert.Equal(("False", KarmadaConstants.ReasonClusterNotReachable), Pair(ReadyCondition.Observe(new HealthResult(HealthOutcome.Unreachable, ""), 3, 3)));
        Assert.Equal(("True", KarmadaConstants.ReasonClusterReady), Pair(ReadyCondition.Observe(ok, 0, 0)));
    }

    [Fact]
    public void A_change_is_posted_only_after_its_threshold()
    {
        var time = new ManualTime();
        var debouncer = new ReadyDebouncer(successThreshold: TimeSpan.FromSeconds(30), failureThreshold: TimeSpan.FromSeconds(20), time);
        var ready = ReadyCondition.Observe(new HealthResult(HealthOutcome.Ok, ""), 1, 1);
        var unreachable = ReadyCondition.Observe(new HealthResult(HealthOutcome.Unreachable, ""), 1, 1);

        Assert.Same(ready, debouncer.Adjust(null, ready));                       // the first observation passes
        Assert.Same(ready, debouncer.Adjust(ready, unreachable));                // failing: the old condition stays
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.Same(ready, debouncer.Adjust(ready, unreachable));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(unreachable, debouncer.Adjust(ready, unreachable));          // after the failure threshold

        Assert.Same(unreachable, debouncer.Adjust(unreachable, ready));          // recovering
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(unreachable, debouncer.Adjust(unreachable, ready));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(ready, debouncer.Adjust(unreachable, ready));                // after the success threshold

        var unknown = new V1Condition { Type = "Ready", Status = "Unknown" };
        Assert.Same(unreachable, new ReadyDebouncer(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), time).Adjust(unknown, unreachable));
    }

    private static (string, string) Pair(V1Condition condition) => (condition.Status, condition.Reason);
}
