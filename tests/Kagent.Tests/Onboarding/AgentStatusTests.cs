using System.Diagnostics;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// The agent's heartbeat, health and status against real API servers, checked field by field against Karmada's
/// contract (shared/reference/karmada.md): what a stock Karmada control plane reads.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class AgentStatusTests(OnboardingFixture onboarding, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "member4";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] FastStatusTimings =
    [
        "--cluster-status-update-frequency", "1s", "--cluster-lease-duration", "10s", "--cluster-lease-renew-interval-fraction", "0.2",
        "--cluster-success-threshold", "3s", "--cluster-failure-threshold", "3s",
    ];

    private static readonly string[] FastLeaderElection = ["--leader-elect-lease-duration", "4s", "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms"];

    private readonly List<ServerProcess> _agents = [];

    private MemberCluster Member => onboarding.Fleet.Member(Name);

    private EntityClient<Cluster> Clusters => new(onboarding.ControlPlane.Admin);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents) agent.Dispose();
        await onboarding.Registrations.DeleteAsync(Name);
        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Name) is null, Timeout, "registration removed");
        foreach (var node in (await Member.Admin.CoreV1.ListNodeAsync()).Items) await Member.Admin.CoreV1.DeleteNodeAsync(node.Metadata.Name);
        await Member.Admin.CoreV1.DeleteCollectionNamespacedPodAsync("default");
    }

    [Fact]
    public async Task Lease_and_status_match_karmadas_contract_field_by_field_follow_changes_and_stay_quiet_when_idle()
    {
        // A hand-computed member: n1 4 cpu/16Gi, n2 8 cpu/32Gi, n3 2 cpu/4Gi NotReady; 110 pods each.
        await Member.CreateNodeAsync(new SimulatedNode("n1", Cpu: "4", Memory: "16Gi"));
        await Member.CreateNodeAsync(new SimulatedNode("n2", Cpu: "8", Memory: "32Gi"));
        await Member.CreateNodeAsync(new SimulatedNode("n3", Ready: false, Cpu: "2", Memory: "4Gi"));
        await CreatePodAsync("p1", "n1", containers: [("1", "2Gi"), ("500m", "1Gi")], init: [("2", "1Gi")]);   // 2 cpu, 3Gi
        await CreatePodAsync("p2", null, containers: [("250m", "256Mi")]);                                      // allocating
        await CreatePodAsync("p3", "n2", containers: [("3", "3Gi")], phase: "Succeeded");                       // finished: not counted
        await CreatePodAsync("p4", "n2", containers: [("1", "1Gi")]);

        var metricsPort = FreePort.Next();
        await RegisterAsync(StartAgent("--metrics-bind-address", $"127.0.0.1:{metricsPort}"));
        var cluster = await WaitForStatusAsync(c => c.Status?.ResourceSummary?.Allocated?["pods"].ToString() == "2", "first complete status");
        var status = cluster.Status!;
        var version = await Member.Admin.Version.GetCodeAsync();

        // Conditions: types, statuses, reasons and messages as Karmada writes them.
        var ready = status.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(("True", "ClusterReady", "cluster is healthy and ready to accept workloads"), (ready.Status, ready.Reason, ready.Message));
        var apis = status.Conditions!.Single(c => c.Type == "CompleteAPIEnablements");
        Assert.Equal(("True", "Complete", "collected complete APIEnablements from the cluster"), (apis.Status, apis.Reason, apis.Message));

        Assert.Equal(version.GitVersion, status.KubernetesVersion);
        var core = status.ApiEnablements!.Single(e => e.GroupVersion == "v1");
        Assert.Contains(core.Resources!, r => r is { Name: "nodes", Kind: "Node" });
        Assert.Contains(core.Resources!, r => r is { Name: "pods", Kind: "Pod" });
        Assert.DoesNotContain(status.ApiEnablements!.SelectMany(e => e.Resources!), r => r.Name.Contains('/'));
        Assert.Equal(status.ApiEnablements!.Select(e => e.GroupVersion).Order(StringComparer.Ordinal), status.ApiEnablements!.Select(e => e.GroupVersion));
        Assert.All(status.ApiEnablements!, e => Assert.Equal(e.Resources!.Select(r => r.Name).Order(StringComparer.Ordinal), e.Resources!.Select(r => r.Name)));

        Assert.Equal((3, 2), (status.NodeSummary!.TotalNum, status.NodeSummary.ReadyNum));
        var summary = status.ResourceSummary!;
        Assert.Equal(Map(("cpu", "14"), ("memory", "52Gi"), ("pods", "330")), Text(summary.Allocatable));
        Assert.Equal(Map(("cpu", "3"), ("memory", "4Gi"), ("pods", "2")), Text(summary.Allocated));
        Assert.Equal(Map(("cpu", "250m"), ("memory", "256Mi"), ("pods", "1")), Text(summary.Allocating));
        // Free: n1 2 cpu/13Gi -> grade 1; n2 7 cpu/31Gi -> grade 2; n3 2 cpu/4Gi -> grade 1 (Karmada's default models).
        Assert.Equal([0, 2, 1, 0, 0, 0, 0, 0, 0], summary.AllocatableModelings!.Select(m => m.Count));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (uint)i), summary.AllocatableModelings!.Select(m => m.Grade));

        // The heartbeat Lease, as the control plane's cluster controller reads it.
        var lease = await onboarding.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace);
        Assert.Equal(Name, lease.Spec.HolderIdentity);
        Assert.Equal(10, lease.Spec.LeaseDurationSeconds);
        var owner = Assert.Single(lease.Metadata.OwnerReferences);
        Assert.Equal(("cluster.karmada.io/v1alpha1", "Cluster", Name, cluster.Metadata.Uid), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
        var firstRenew = lease.Spec.RenewTime!.Value;
        await Eventually.TrueAsync(async () => (await onboarding.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace)).Spec.RenewTime > firstRenew,
            TimeSpan.FromSeconds(5), "lease renewed every 2s");

        // Changes reach the control plane within one update period (1s) plus 2s.
        var changed = Stopwatch.StartNew();
        await CreatePodAsync("p5", "n2", containers: [("1", "1Gi")]);
        await Member.SetNodeReadyAsync("n1", ready: false);
        await WaitForStatusAsync(c => c.Status!.ResourceSummary!.Allocated!["cpu"].ToString() == "4" && c.Status.NodeSummary!.ReadyNum == 1, "changes reported", TimeSpan.FromSeconds(3));
        output.WriteLine($"change reached the control plane after {changed.Elapsed.TotalSeconds:0.0}s");

        // karmada-agent's metrics, same names and label.
        using var http = new HttpClient();
        var scraped = await Eventually.MatchAsync(() => http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics"),
            text => text.Contains($"cluster_ready_node_number{{member_cluster=\"{Name}\"}} 1"), TimeSpan.FromSeconds(10), "metrics follow the status");
        foreach (var expected in new[]
        {
            "cluster_ready_state{member_cluster=\"member4\"} 1", "cluster_node_number{member_cluster=\"member4\"} 3",
            "cluster_cpu_allocatable_number{member_cluster=\"member4\"} 14", $"cluster_memory_allocatable_bytes{{member_cluster=\"member4\"}} {52L << 30}",
            "cluster_pod_allocatable_number{member_cluster=\"member4\"} 330", "cluster_cpu_allocated_number{member_cluster=\"member4\"} 4",
            "cluster_pod_allocated_number{member_cluster=\"member4\"} 3", $"cluster_memory_allocated_bytes{{member_cluster=\"member4\"}} {5L << 30}",
            "cluster_sync_status_duration_seconds_count{member_cluster=\"member4\"}", "kagent_status_writes_total{member_cluster=\"member4\"}",
        })
        {
            Assert.Contains(expected, scraped);
        }

        // Nothing changes: no status writes over five update periods.
        await AssertNoClusterWritesAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Ready_turns_false_only_after_the_failure_threshold_and_true_again_after_the_success_threshold()
    {
        await Member.CreateNodeAsync(new SimulatedNode("h1"));
        await Member.CreateNodeAsync(new SimulatedNode("h2"));
        await RegisterAsync(StartAgent());
        await WaitForReadyAsync("True", KarmadaConstants.ReasonClusterReady);

        // All nodes NotReady: the API server answers, but nothing can run.
        var changedAt = DateTime.UtcNow;
        await Member.SetNodeReadyAsync("h1", false);
        await Member.SetNodeReadyAsync("h2", false);
        var notReady = await WaitForReadyAsync("False", KarmadaConstants.ReasonClusterNotReady);
        Assert.Equal("cluster is reachable but all 2 nodes are NotReady", notReady.Message);
        AssertAfterThreshold(changedAt, notReady, "not ready");

        changedAt = DateTime.UtcNow;
        await Member.SetNodeReadyAsync("h1", true);
        AssertAfterThreshold(changedAt, await WaitForReadyAsync("True", KarmadaConstants.ReasonClusterReady), "ready again");

        // The member's API server stops: not reachable, after the threshold; back: ready, after the threshold.
        changedAt = DateTime.UtcNow;
        await Member.Server.StopApiServerAsync();
        try
        {
            var unreachable = await WaitForReadyAsync("False", KarmadaConstants.ReasonClusterNotReachable);
            Assert.Equal("cluster is not reachable", unreachable.Message);
            AssertAfterThreshold(changedAt, unreachable, "unreachable");
        }
        finally
        {
            // The change is the restart's start: the agent can see the server answer before the restart returns.
            changedAt = DateTime.UtcNow;
            await Member.Server.RestartApiServerAsync();
        }

        AssertAfterThreshold(changedAt, await WaitForReadyAsync("True", KarmadaConstants.ReasonClusterReady), "reachable again");
    }

    [Fact]
    public async Task The_probe_of_a_pull_cluster_answers_with_the_agents_last_probe_and_its_age()
    {
        await RegisterAsync(StartAgent());
        var result = await Eventually.MatchAsync(() => onboarding.KubectlAsync("get", "--raw", $"/apis/kagent.io/v1alpha1/clusterhealths/{Name}/probe"),
            r => r.ExitCode == 0, Timeout, () => "probe answered\n" + onboarding.HubLogTail());
        var probe = System.Text.Json.Nodes.JsonNode.Parse(result.StandardOutput)!;
        Assert.Equal("agent", probe["reportedBy"]!.GetValue<string>());
        Assert.InRange(probe["ageSeconds"]!.GetValue<long>(), 0, 30);
        Assert.Equal(Member.Server.Url, probe["apiEndpoint"]!.GetValue<string>());
        var ready = probe["endpoints"]!.AsArray().Single(e => e!["path"]!.GetValue<string>() == "/readyz")!;
        Assert.True(ready["ok"]!.GetValue<bool>());
        Assert.Equal(200, ready["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Zones_region_and_provider_are_discovered_from_the_nodes_kept_current_and_never_override_the_registration()
    {
        static SimulatedNode Placed(string name, string zone) => new(name)
        {
            Labels = new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = zone, ["topology.kubernetes.io/region"] = "eu-west-1" },
            ProviderId = $"aws:///{zone}/i-{name}",
        };
        await Member.CreateNodeAsync(Placed("z1", "eu-west-1a"));
        await Member.CreateNodeAsync(Placed("z2", "eu-west-1b"));
        var agent = StartAgent();
        await RegisterAsync(agent);

        // Discovered: on the registration, on the Karmada Cluster, in the ClusterProfile and on clusterhealths.
        var cluster = await WaitForClusterSpecAsync(c => c.Spec.Zones?.Count == 2, "zones discovered");
        Assert.Equal(("eu-west-1a,eu-west-1b", "eu-west-1", "aws"), (string.Join(",", cluster.Spec.Zones!), cluster.Spec.Region, cluster.Spec.Provider));
        var registration = await Eventually.MatchAsync(() => onboarding.Registrations.GetAsync(Name), r => r?.Spec.Discovered?.Distribution is not null, Timeout, "distribution discovered");
        Assert.Equal(("kubernetes", "eu-west-1"), (registration!.Spec.Discovered!.Distribution, registration.Spec.Discovered.Region));
        var profiles = new EntityClient<Kagent.Api.ClusterInventory.ClusterProfile>(onboarding.ControlPlane.Admin);
        await Eventually.MatchAsync(() => profiles.GetAsync(Name, "kagent-system"),
            p => p?.Status?.Properties?.Any(x => x.Name == "kagent.io/zones" && x.Value == "eu-west-1a,eu-west-1b") == true, Timeout, "zones in the ClusterProfile");
        var health = await Eventually.MatchAsync(() => onboarding.KubectlAsync("get", "clusterhealth", Name, "-o", "json"),
            r => r.ExitCode == 0 && r.StandardOutput.Contains("\"discovered\""), Timeout, () => "clusterhealth shows what was discovered\n" + onboarding.HubLogTail());
        var healthStatus = System.Text.Json.Nodes.JsonNode.Parse(health.StandardOutput)!["status"]!;
        Assert.Equal("aws", healthStatus["discovered"]!["provider"]!.GetValue<string>());
        Assert.Equal((await Member.Admin.CoreV1.ReadNamespaceAsync("kube-system")).Metadata.Uid, healthStatus["clusterID"]!.GetValue<string>());

        // A zone appears on the member (a node relabelled): shown within a minute.
        var moved = Stopwatch.StartNew();
        await Member.Admin.CoreV1.PatchNodeAsync(new V1Patch("""{"metadata":{"labels":{"topology.kubernetes.io/zone":"eu-west-1c"}}}""", V1Patch.PatchType.MergePatch), "z2");
        await WaitForClusterSpecAsync(c => c.Spec.Zones?.SequenceEqual(["eu-west-1a", "eu-west-1c"]) == true, "new zone shown", TimeSpan.FromSeconds(60));
        await Eventually.MatchAsync(() => profiles.GetAsync(Name, "kagent-system"),
            p => p?.Status?.Properties?.Any(x => x.Name == "kagent.io/zones" && x.Value == "eu-west-1a,eu-west-1c") == true, TimeSpan.FromSeconds(60) - moved.Elapsed, "new zone in the ClusterProfile");
        output.WriteLine($"a new zone reached the Cluster and its profile after {moved.Elapsed.TotalSeconds:0.0}s");

        // What a person sets (karmada-agent's flags, carried by the registration) is kept; discovery fills only the rest.
        agent.Dispose();
        _agents.Remove(agent);
        StartAgent("--cluster-zones", "rack-1,rack-2", "--cluster-region", "on-prem");
        cluster = await WaitForClusterSpecAsync(c => c.Spec.Region == "on-prem", "hand-set region and zones kept");
        Assert.Equal(("rack-1,rack-2", "aws"), (string.Join(",", cluster.Spec.Zones!), cluster.Spec.Provider));
        Assert.Equal(["eu-west-1a", "eu-west-1c"], (await onboarding.Registrations.GetAsync(Name))!.Spec.Discovered!.Zones!);
    }

    [Fact]
    public async Task Signal_conditions_follow_nodes_capacity_and_control_plane_checks_after_the_threshold_and_go_unknown_when_the_agent_stops()
    {
        await Member.CreateNodeAsync(new SimulatedNode("s1", Cpu: "4"));
        await Member.CreateNodeAsync(new SimulatedNode("s2", Cpu: "4"));
        var agent = StartAgent();
        await RegisterAsync(agent);
        await WaitForSignalAsync("NodesReady", "True", "EnoughNodesReady");
        await WaitForSignalAsync("ControlPlaneHealthy", "True", "ChecksPassing");
        await WaitForSignalAsync("CapacityPressure", "False", "NoPressure");
        await WaitForSignalAsync("ClockSynchronized", "True", "ClocksInSync");

        // Most nodes NotReady: False once the failure threshold has passed, and back.
        var changedAt = DateTime.UtcNow;
        await Member.SetNodeReadyAsync("s1", false);
        var nodes = await WaitForSignalAsync("NodesReady", "False", "TooFewNodesReady");
        Assert.Equal("1 of 2 nodes are Ready (50%; threshold 90%)", nodes.Message);
        AssertAfterThreshold(changedAt, nodes, "NodesReady False");
        changedAt = DateTime.UtcNow;
        await Member.SetNodeReadyAsync("s1", true);
        AssertAfterThreshold(changedAt, await WaitForSignalAsync("NodesReady", "True", "EnoughNodesReady"), "NodesReady True");

        // Requests fill allocatable CPU, and leave it.
        await CreatePodAsync("big", "s1", containers: [("7500m", "1Gi")]);
        var pressure = await WaitForSignalAsync("CapacityPressure", "True", "CPUPressure");
        Assert.StartsWith("requests use cpu 93%", pressure.Message);
        await Member.Admin.CoreV1.DeleteNamespacedPodAsync("big", "default", gracePeriodSeconds: 0);
        await WaitForSignalAsync("CapacityPressure", "False", "NoPressure");

        // The member's etcd fails: its API server still answers, and names the failing check.
        Member.Server.KillEtcd();
        try
        {
            var checks = await WaitForSignalAsync("ControlPlaneHealthy", "False", "ChecksFailing");
            Assert.Contains("/readyz etcd", checks.Message);
        }
        finally
        {
            await Member.Server.StartEtcdAgainAsync();
        }

        await WaitForSignalAsync("ControlPlaneHealthy", "True", "ChecksPassing");

        // Stopped: every signal Unknown (nothing in Karmada ages them out); Ready is left to Karmada's lease check.
        await agent.StopAsync(TimeSpan.FromSeconds(20));
        var cluster = await WaitForStatusAsync(c => c.Status!.Conditions!.Where(x => x.Type.StartsWith("kagent.io/", StringComparison.Ordinal)).All(x => x.Status == "Unknown"), "signals Unknown after stop");
        Assert.Equal(5, cluster.Status!.Conditions!.Count(x => x.Type.StartsWith("kagent.io/", StringComparison.Ordinal) && x.Reason == "AgentStopped"));
    }

    [Fact]
    public async Task Agent_health_follows_its_version_against_the_hubs_its_caches_and_its_throttling()
    {
        await Member.CreateNodeAsync(new SimulatedNode("h1"));
        var agent = StartAgent("--signal-agent-stall-threshold", "5s");
        await RegisterAsync(agent);

        // The hub stamps its version on the Cluster; the agent reads it with the Cluster and compares its own.
        var version = BuildInfo.Version;
        await WaitForAgentHealthAsync("True", "AgentHealthy", $"caches watching, no queue backlog, not throttled; agent {version}, hub {version}");

        // A hub two minors ahead of the agent (stamped by hand while the hub is down): skew, until the hub stamps its own again.
        onboarding.KillHub();
        try
        {
            await Clusters.MergePatchAsync(Name, new { metadata = new { annotations = new Dictionary<string, string> { [Kagent.Api.KagentConstants.HubVersionAnnotation] = "9.0.0" } } });
            await WaitForAgentHealthAsync("False", "VersionSkew", $"agent {version}, hub 9.0.0: the agent is more than one minor version behind the hub");
        }
        finally
        {
            await onboarding.StartHubAgainAsync();
        }

        await WaitForAgentHealthAsync("True", "AgentHealthy", $"caches watching, no queue backlog, not throttled; agent {version}, hub {version}");

        // The member's API server down longer than the stall threshold: the agent's member caches have no watch; back once it is.
        await Member.Server.StopApiServerAsync();
        try
        {
            var stale = await WaitForSignalAsync("AgentHealthy", "False", "CachesStale");
            Assert.Contains("the nodes cache has had no watch for over 5s", stale.Message);
            Assert.Contains("the pods cache has had no watch for over 5s", stale.Message);
        }
        finally
        {
            await Member.Server.RestartApiServerAsync();
        }

        await WaitForSignalAsync("AgentHealthy", "True", "AgentHealthy");

        // The member's client held to one request a second: the status round's requests wait for the rate limit.
        await agent.StopAsync(TimeSpan.FromSeconds(20));
        StartAgent("--cluster-api-qps", "1", "--cluster-api-burst", "1");
        var throttled = await WaitForSignalAsync("AgentHealthy", "False", "Throttled");
        Assert.Equal("requests to the member API server waited 1s or more for the client's rate limit (1 QPS) in the last minute", throttled.Message);
    }

    private Task<Cluster> WaitForAgentHealthAsync(string status, string reason, string message) =>
        WaitForStatusAsync(c => c.Status!.Conditions!.Any(x => x.Type == "kagent.io/AgentHealthy" && x.Status == status && x.Reason == reason && x.Message == message),
            $"kagent.io/AgentHealthy {status} {reason}: {message}");

    [Fact]
    public async Task A_condition_another_writer_owns_survives_100_status_writes_of_the_agent()
    {
        await Member.CreateNodeAsync(new SimulatedNode("w1", Pods: "100000"));
        var agent = StartAgent("--cluster-status-update-frequency", "100ms");
        await RegisterAsync(agent);
        await WaitForSignalAsync("NodesReady", "True", "EnoughNodesReady");

        // Karmada's in-tree detector writes its condition as any third party does: read, upsert, PUT with the resourceVersion.
        var written = 0;
        async Task WriteForeignAsync(string status)
        {
            await Eventually.TrueAsync(async () =>
            {
                var cluster = (await Clusters.GetAsync(Name))!;
                cluster.Status!.Conditions = Kagent.Operator.Entities.Conditions.Set(cluster.Status.Conditions, "ServiceDomainNameResolutionReady", status,
                    status == "True" ? "ServiceDomainNameResolutionReady" : "ServiceDomainNameResolutionFailed", "written by the detector", null, DateTime.UtcNow);
                try
                {
                    await Clusters.ReplaceStatusAsync(cluster);
                    written++;
                    return true;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    return false;
                }
            }, Timeout, "foreign condition written");
        }

        await WriteForeignAsync("True");
        async Task<double> WritesAsync() => await onboarding.AgentMetricAsync(agent, "kagent_status_writes_total", ("member_cluster", Name)) ?? 0;
        var before = await WritesAsync();

        // Every new pod changes the status, so every round writes; the detector flips its condition now and then.
        var pods = 0;
        while (await WritesAsync() < before + 100)
        {
            await CreatePodAsync($"churn-{pods++}", "w1", containers: [("1m", "1Mi")]);
            if (pods % 40 == 0) await WriteForeignAsync(pods % 80 == 0 ? "True" : "False");
        }

        var last = pods / 40 % 2 == 0 ? "True" : "False";
        var final = (await Clusters.GetAsync(Name))!.Status!.Conditions!.Single(c => c.Type == "ServiceDomainNameResolutionReady");
        output.WriteLine($"{await WritesAsync() - before} agent status writes, {written} detector writes, {pods} pods");
        Assert.Equal((last, "written by the detector"), (final.Status, final.Message));
        Assert.Contains((await Clusters.GetAsync(Name))!.Status!.Conditions!, c => c.Type == "kagent.io/NodesReady");
    }

    [Fact]
    public async Task Killing_the_leading_replica_hands_over_before_the_heartbeat_lease_expires()
    {
        var (gaps, _) = await HeartbeatGapsAcrossHandOverAsync(first =>
        {
            first.Kill();
            return Task.CompletedTask;
        });
        Assert.True(gaps.Max() < 10, $"the heartbeat went {gaps.Max():0.0}s without renewal; the lease lasts 10s");
    }

    [Fact]
    public async Task A_rolling_update_stops_the_leader_which_releases_the_lease_so_the_heartbeat_barely_pauses()
    {
        // SIGTERM: the leader stops its work and releases its leader-election Lease; the standby, watching that Lease,
        // leads at once and renews the heartbeat. Leader election with karmada-agent's defaults (a 15s lease, a
        // standby trying every 2-4.4s): the watch, not a short retry period, makes the hand-over quick.
        var signalledAt = DateTime.MinValue;
        var (gaps, renewals) = await HeartbeatGapsAcrossHandOverAsync(first =>
        {
            signalledAt = DateTime.UtcNow;
            return first.StopAsync(TimeSpan.FromSeconds(20));
        }, fastLeaderElection: false);
        var renewInterval = TimeSpan.FromSeconds(2);   // 10s heartbeat lease x 0.2
        Assert.True(gaps.Max() < (renewInterval + TimeSpan.FromSeconds(2)).TotalSeconds,
            $"the heartbeat went {gaps.Max():0.0}s without renewal across the rolling update; renewals are {renewInterval.TotalSeconds}s apart");

        // From SIGTERM to the new leader's first heartbeat: the first renewal after it acquired the leader Lease (the
        // old leader stopped renewing before it released the Lease). All times are this machine's clock.
        var leader = await onboarding.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(OnboardingConstants.AgentLeaderLeaseFor(Name), KarmadaConstants.SystemNamespace);
        var acquiredAt = leader.Spec.AcquireTime!.Value;
        var withoutWriter = renewals.First(r => r >= acquiredAt) - signalledAt;
        output.WriteLine($"SIGTERM to the leader at {signalledAt:HH:mm:ss.fff}, next leader acquired at {acquiredAt:HH:mm:ss.fff}, its first heartbeat {withoutWriter.TotalSeconds:0.00}s after SIGTERM");
        Assert.True(withoutWriter < TimeSpan.FromSeconds(2), $"{withoutWriter.TotalSeconds:0.00}s passed between SIGTERM to the leader and the next leader's first heartbeat");
    }

    /// <summary>
    /// Two replicas; the leader is taken away by <paramref name="takeAway"/>; the gaps between the heartbeat renewals
    /// the control plane saw before and after the standby took over, and the renewals themselves.
    /// </summary>
    private async Task<(List<double> Gaps, List<DateTime> Renewals)> HeartbeatGapsAcrossHandOverAsync(Func<ServerProcess, Task> takeAway, bool fastLeaderElection = true)
    {
        await Member.CreateNodeAsync(new SimulatedNode("f1"));
        string[] election = fastLeaderElection ? FastLeaderElection : [];
        var first = StartAgentWithLeaderElection(election);
        await RegisterAsync(first);
        await WaitLeadsAsync(first);
        var second = StartAgentWithLeaderElection(election);
        await onboarding.WaitForAgentRegisteredAsync(second, Timeout);

        var renewals = new List<DateTime>();
        using var watching = new CancellationTokenSource();
        var poll = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                var renew = (await onboarding.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace)).Spec.RenewTime!.Value;
                lock (renewals) if (renewals.Count == 0 || renewals[^1] != renew) renewals.Add(renew);
                await Task.Delay(50);
            }
        });

        // A few renewals by the first leader, to measure the gap against.
        await Eventually.TrueAsync(() => { lock (renewals) return renewals.Count >= 3; }, Timeout, "renewals by the first leader");
        await takeAway(first);
        await WaitLeadsAsync(second);
        var afterTakeAway = DateTime.UtcNow;
        await Eventually.TrueAsync(() => { lock (renewals) return renewals[^1] > afterTakeAway; }, Timeout, "heartbeat renewed by the new leader");
        watching.Cancel();
        await poll;

        List<double> gaps;
        lock (renewals) gaps = renewals.Zip(renewals.Skip(1), (a, b) => (b - a).TotalSeconds).ToList();
        output.WriteLine($"heartbeat gaps: {string.Join(", ", gaps.Select(g => g.ToString("0.0")))} s");
        return (gaps, renewals);
    }

    /// <summary>The replica reports that it leads the agent's leader-election Lease.</summary>
    private Task WaitLeadsAsync(ServerProcess agent) =>
        onboarding.WaitForAgentMetricAsync(agent, "leader_election_master_status", ("name", OnboardingConstants.AgentLeaderLeaseFor(Name)), 1, Timeout);

    private ServerProcess StartAgent(params string[] extra) => StartAgentWithLeaderElection(FastLeaderElection, extra);

    private ServerProcess StartAgentWithLeaderElection(string[] leaderElection, params string[] extra)
    {
        // A timing flag given in extra replaces the fast default.
        var timings = FastStatusTimings.Chunk(2).Where(pair => !extra.Contains(pair[0])).SelectMany(pair => pair);
        var agent = onboarding.StartAgent(Name, Name, ["--cluster-api-endpoint", Member.Server.Url, .. timings, .. leaderElection, .. extra]);
        _agents.Add(agent);
        return agent;
    }

    private async Task RegisterAsync(ServerProcess agent)
    {
        await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await onboarding.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        await onboarding.WaitForAgentRegisteredAsync(agent, Timeout);
    }

    private Task<Cluster> WaitForStatusAsync(Func<Cluster, bool> condition, string what, TimeSpan? timeout = null) =>
        WaitForClusterSpecAsync(c => c.Status is not null && condition(c), what, timeout);

    private async Task<Cluster> WaitForClusterSpecAsync(Func<Cluster, bool> condition, string what, TimeSpan? timeout = null) =>
        (await Eventually.MatchAsync(() => Clusters.GetAsync(Name), c => c is not null && Safe(() => condition(c)), timeout ?? Timeout,
            what + "\n" + string.Join("\n", _agents.Select(a => a.LogTail(15)))))!;

    private async Task<V1Condition> WaitForSignalAsync(string name, string status, string reason) =>
        (await WaitForStatusAsync(c => c.Status!.Conditions!.Any(x => x.Type == $"kagent.io/{name}" && x.Status == status && x.Reason == reason), $"kagent.io/{name} {status} {reason}"))
        .Status!.Conditions!.Single(c => c.Type == $"kagent.io/{name}");

    private async Task<V1Condition> WaitForReadyAsync(string status, string reason) =>
        (await WaitForStatusAsync(c => c.Status!.Conditions!.Any(x => x.Type == "Ready" && x.Status == status && x.Reason == reason), $"Ready {status} {reason}"))
        .Status!.Conditions!.Single(c => c.Type == "Ready");

    /// <summary>The condition moved no sooner than the 3s threshold after the change (1s of clock and tick slack).</summary>
    private void AssertAfterThreshold(DateTime changedAt, V1Condition condition, string what)
    {
        var after = (condition.LastTransitionTime.ToUniversalTime() - changedAt).TotalSeconds;
        output.WriteLine($"{what}: posted {after:0.0}s after the change");
        Assert.True(after >= 2.0, $"{what} was posted {after:0.0}s after the change, before the 3s threshold");
    }

    private async Task AssertNoClusterWritesAsync(TimeSpan window) =>
        Assert.Equal(0, await ObjectWrites.CountAsync<Cluster>(onboarding.ControlPlane.Admin, Name, window));

    private async Task CreatePodAsync(string name, string? node, (string Cpu, string Memory)[] containers, (string Cpu, string Memory)[]? init = null, string? phase = null)
    {
        static V1Container Container(string name, (string Cpu, string Memory) r) => new()
        {
            Name = name, Image = "registry.example/app:1",
            Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(r.Cpu), ["memory"] = new(r.Memory) } },
        };
        var pod = await Member.Admin.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                NodeName = node,
                Containers = containers.Select((c, i) => Container($"c{i}", c)).ToList(),
                InitContainers = init?.Select((c, i) => Container($"i{i}", c)).ToList(),
            },
        }, "default");
        if (phase is null) return;
        pod.Status = new V1PodStatus { Phase = phase };
        await Member.Admin.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, "default");
    }

    private static Dictionary<string, string> Map(params (string Key, string Value)[] entries) => entries.ToDictionary(e => e.Key, e => e.Value);

    private static Dictionary<string, string> Text(IDictionary<string, ResourceQuantity>? list) =>
        (list ?? new Dictionary<string, ResourceQuantity>()).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());

    private static bool Safe(Func<bool> check)
    {
        try
        {
            return check();
        }
        catch (Exception e) when (e is NullReferenceException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
