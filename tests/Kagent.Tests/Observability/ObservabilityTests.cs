using System.Diagnostics;
using k8s;
using k8s.Models;
using Kagent.Agent.Events;
using Kagent.Api.V1Beta1;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Metrics;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Observability;

/// <summary>
/// A running agent and hub on real API servers, scraped after known changes; and an event storm in a member,
/// exported to the control plane at a bounded cost.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class ObservabilityTests(OnboardingFixture onboarding, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Name = "member2";
    private const double ExportQps = 20;
    private const int ExportBurst = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private ServerProcess _agent = null!;
    private int _agentMetricsPort;

    private MemberCluster Member => onboarding.Fleet.Member(Name);

    public async Task InitializeAsync()
    {
        await onboarding.ControlPlane.EnsureExecutionSpaceAsync(Name);
        await Member.Admin.EnsureNamespaceAsync("storm");
        foreach (var node in new[] { "o1", "o2", "o3" }) await Member.CreateNodeAsync(new SimulatedNode(node));
        _agentMetricsPort = FreePort.Next();
        _agent = onboarding.StartAgent(Name, Name,
            "--cluster-api-endpoint", Member.Server.Url, "--metrics-bind-address", $"127.0.0.1:{_agentMetricsPort}",
            "--cluster-status-update-frequency", "1s", "--cluster-lease-duration", "10s", "--cluster-lease-renew-interval-fraction", "0.2",
            "--cluster-success-threshold", "1s", "--cluster-failure-threshold", "1s",
            "--event-export-namespaces", "storm", "--event-export-qps", ExportQps.ToString(), "--event-export-burst", ExportBurst.ToString());
        await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await onboarding.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
    }

    public async Task DisposeAsync()
    {
        _agent.Dispose();
        await onboarding.Registrations.DeleteAsync(Name);
        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Name) is null, Timeout, "registration removed");
        foreach (var node in new[] { "o1", "o2", "o3" }) await Member.Admin.CoreV1.DeleteNodeAsync(node);
        await Member.Admin.CoreV1.DeleteNamespaceAsync("storm");
    }

    [Fact]
    public async Task Agent_and_hub_metrics_follow_known_changes()
    {
        var agent = await ScrapeAgentAsync(s => s.Value("cluster_ready_state", ("member_cluster", Name)) == 1
            && s.Value("cluster_ready_node_number", ("member_cluster", Name)) >= 3
            && s.Value("kagent_status_writes_total", ("member_cluster", Name)) > 0
            && s.Value("kagent_registration_phase", ("member_cluster", Name), ("phase", "Registered")) == 1
            && s.Value("kagent_heartbeat_renew_duration_seconds_count", ("member_cluster", Name)) > 0
            && s.Value("kagent_probes_total", ("member_cluster", Name), ("endpoint", "/readyz"), ("result", "ok")) > 0, "agent registered and reporting");

        // The build, the heartbeat, probes, status writes and the API clients.
        Assert.Equal(1, agent.Value("kagent_build_info"));
        Assert.Equal(0, agent.Value("kagent_registration_phase", ("member_cluster", Name), ("phase", "Pending")));
        Assert.Equal(0, agent.Value("kagent_heartbeat_renew_failures_total", ("member_cluster", Name)));
        var lastRenew = agent.Value("kagent_heartbeat_last_renew_timestamp_seconds", ("member_cluster", Name))!.Value;
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - lastRenew, -5, 10);
        Assert.True(agent.Value("kagent_probe_duration_seconds_count", ("member_cluster", Name), ("endpoint", "/readyz")) > 0);
        Assert.True(agent.Value("kagent_status_writes_total", ("member_cluster", Name)) > 0);
        Assert.True(agent.Value("kagent_api_request_duration_seconds_count", ("cluster", "karmada"), ("verb", "update"), ("code", "200")) > 0);
        Assert.True(agent.Value("kagent_api_request_duration_seconds_count", ("cluster", "member"), ("verb", "list"), ("code", "200")) > 0);
        Assert.True(agent.Value("kagent_api_request_duration_seconds_count", ("cluster", "member"), ("verb", "watch"), ("code", "200")) > 0);
        Assert.True(agent.Value("kagent_api_rate_limiter_duration_seconds_count", ("cluster", "member")) > 0);
        Assert.NotNull(agent.Value("kagent_watch_restarts_total", ("resource", "nodes")));
        Assert.Equal(0, agent.Value("kagent_watch_relists_total", ("resource", "pods")));
        Assert.Equal(0, agent.Value("kagent_events_exported_total", ("member_cluster", Name), ("result", "failed")));

        // Two nodes NotReady move cluster_ready_node_number by 2, and the hub's fleet view with it.
        var readyBefore = agent.Value("cluster_ready_node_number", ("member_cluster", Name))!.Value;
        var hub = await ScrapeHubAsync(s => s.Value("kagent_fleet_nodes", ("cluster", Name), ("state", "ready")) == readyBefore, "hub sees the nodes");
        Assert.Equal(1, hub.Value("kagent_fleet_cluster_ready", ("cluster", Name)));
        Assert.InRange(hub.Value("kagent_fleet_heartbeat_age_seconds", ("cluster", Name))!.Value, 0, 10);
        Assert.Equal(1, hub.Value("kagent_fleet_registration_phase", ("registration", Name), ("phase", "Registered")));
        await Member.SetNodeReadyAsync("o1", false);
        await Member.SetNodeReadyAsync("o2", false);
        await ScrapeAgentAsync(s => s.Value("cluster_ready_node_number", ("member_cluster", Name)) == readyBefore - 2, "ready nodes down by 2 on the agent");
        await ScrapeHubAsync(s => s.Value("kagent_fleet_nodes", ("cluster", Name), ("state", "ready")) == readyBefore - 2, "ready nodes down by 2 on the hub");

        // The hub: requests by verb, resource and code; authorization decisions (a review, then its cached answer); admissions; reconciles.
        await onboarding.ControlPlane.Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "olivia-clusterhealth-viewer" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "kagent-clusterhealth-viewer" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "olivia", ApiGroup = "rbac.authorization.k8s.io" }],
        });
        try
        {
            var before = await MetricsScrape.FetchAsync(onboarding.HubMetricsPort);
            using var olivia = onboarding.ControlPlane.Server.ClientFor("olivia");
            for (var i = 0; i < 3; i++) (await olivia.SendAsync(HttpMethod.Get, "apis/kagent.io/v1alpha1/clusterhealths")).Dispose();
            hub = await MetricsScrape.FetchAsync(onboarding.HubMetricsPort);
            Assert.Equal(3, Delta(before, hub, "kagent_hub_requests_total", ("verb", "list"), ("resource", "clusterhealths"), ("code", "200")));
            Assert.Equal(3, Delta(before, hub, "kagent_hub_request_duration_seconds_count", ("verb", "list"), ("resource", "clusterhealths")));
            Assert.Equal(1, Delta(before, hub, "kagent_authorization_decisions_total", ("source", "review")));
            Assert.Equal(2, Delta(before, hub, "kagent_authorization_decisions_total", ("source", "cache")));
        }
        finally
        {
            await onboarding.ControlPlane.Admin.RbacAuthorizationV1.DeleteClusterRoleBindingAsync("olivia-clusterhealth-viewer");
        }

        // Admissions by this hub process (another test may have restarted it): one allowed, one denied, as dry runs.
        var registrations = onboarding.ControlPlane.Admin.CustomObjects;
        object Registration(string endpoint) => new { apiVersion = "kagent.io/v1beta1", kind = "ClusterRegistration", metadata = new { name = "o-dry-run" }, spec = new { apiEndpoint = endpoint } };
        await registrations.CreateClusterCustomObjectAsync(Registration("https://192.0.2.1:6443"), "kagent.io", "v1beta1", "clusterregistrations", dryRun: "All");
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => registrations.CreateClusterCustomObjectAsync(Registration("http://insecure"), "kagent.io", "v1beta1", "clusterregistrations", dryRun: "All"));
        hub = await ScrapeHubAsync(s => s.Value("kagent_webhook_admissions_total", ("webhook", "ClusterRegistrationWebhook"), ("result", "denied")) > 0, "the denied admission counted");
        Assert.True(hub.Value("kagent_webhook_admissions_total", ("webhook", "ClusterRegistrationWebhook"), ("result", "allowed")) > 0);
        Assert.True(hub.Value("kagent_webhook_admissions_total", ("webhook", "ClusterRegistrationWebhook"), ("result", "denied")) > 0);
        Assert.True(hub.Value("kagent_reconciles_total", ("controller", "ClusterRegistration"), ("result", "success")) > 0);
        Assert.True(hub.Value("kagent_api_request_duration_seconds_count", ("cluster", "karmada"), ("verb", "watch")) > 0);
        Assert.Equal(1, hub.Value("kagent_build_info"));

        // controller-runtime's standard controller metrics, on both roles: a queue per controller, the leader gauge.
        Assert.True(hub.Value("workqueue_adds_total", ("controller", "clusterregistration"), ("name", "clusterregistration")) > 0);
        Assert.True(hub.Value("workqueue_work_duration_seconds_count", ("name", "clusterregistration")) > 0);
        Assert.NotNull(agent.Value("workqueue_depth", ("name", "work")));
        Assert.NotNull(agent.Value("workqueue_longest_running_processor_seconds", ("name", "work")));
        foreach (var scrape in new[] { agent, hub })
        {
            var leading = scrape.Samples.Where(s => s.Name == "leader_election_master_status").ToList();
            Assert.NotEmpty(leading);
            Assert.All(leading, s => Assert.Equal(1, s.Value));
        }

        // Nothing secret in the logs: no private key, no credential of the kubeconfigs the processes ran with.
        foreach (var log in new[] { _agent.LogPath, onboarding.HubLog })
        {
            var text = await File.ReadAllTextAsync(log);
            Assert.DoesNotContain("PRIVATE KEY", text);
            foreach (var kubeconfig in new[] { onboarding.AgentKarmadaKubeconfig(Name), onboarding.AgentMemberKubeconfig(Name) })
            {
                foreach (var secret in CredentialsIn(await File.ReadAllTextAsync(kubeconfig))) Assert.DoesNotContain(secret, text);
            }
        }

        // Every metric the dashboard and the alert rules query is one this agent or hub exports (up is Prometheus's own).
        var exported = agent.Samples.Concat(hub.Samples).Select(s => s.Name).ToHashSet();
        exported.Add("up");
        foreach (var query in MonitoringConfig.DashboardQueries().Concat(MonitoringConfig.RuleQueries()))
        {
            foreach (var metric in PromQl.MetricNames(query)) Assert.True(exported.Contains(metric), $"{metric} (in {query}) is not exported");
        }
    }

    /// <summary>
    /// 10,000 Warning events in the member, as 100 distinct events (object, reason, message) of 100 Event objects
    /// each, and events export must not forward: Normal ones, and Warnings outside --event-export-namespaces. The
    /// control plane gets one Event per distinct event with the summed count, for at most burst + qps × seconds writes.
    /// </summary>
    [Fact]
    public async Task A_storm_of_10000_warning_events_costs_a_bounded_number_of_writes_and_loses_no_distinct_event()
    {
        const int Distinct = 100, Copies = 100;
        var controlPlane = onboarding.ControlPlane.Admin;
        var executionSpace = ExportedEvents.NamespaceFor(Name);
        var before = await MetricsScrape.FetchAsync(_agentMetricsPort);
        var started = Stopwatch.StartNew();

        var work = Enumerable.Range(0, Distinct * Copies).Select(i => (Namespace: "storm", Type: "Warning", Object: i % Distinct, Copy: i / Distinct))
            .Concat(Enumerable.Range(0, 50).Select(i => (Namespace: "storm", Type: "Normal", Object: i, Copy: 0)))
            .Concat(Enumerable.Range(0, 50).Select(i => (Namespace: "default", Type: "Warning", Object: i, Copy: 0)));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (e, ct) =>
            await Member.Admin.CoreV1.CreateNamespacedEventAsync(MemberEvent(e.Namespace, e.Type, e.Object, e.Copy), e.Namespace, cancellationToken: ct));
        output.WriteLine($"10,100 member events created in {started.Elapsed.TotalSeconds:0.0}s");

        var exported = await Eventually.MatchAsync(
            async () => (await controlPlane.CoreV1.ListNamespacedEventAsync(executionSpace, labelSelector: $"{ExportedEvents.SourceClusterLabel}={Name}")).Items,
            items => items.Count == Distinct && items.Sum(e => (long)(e.Count ?? 0)) == Distinct * Copies, Timeout,
            $"{Distinct} exported events whose counts sum to {Distinct * Copies}\n{_agent.LogTail(20)}");
        var elapsed = started.Elapsed.TotalSeconds;

        Assert.All(exported, e => Assert.Equal(("Warning", Copies), (e.Type, e.Count)));
        Assert.All(exported, e => Assert.StartsWith($"[{Name}/storm] ", e.Message));
        Assert.Equal(Enumerable.Range(0, Distinct).Select(i => $"crashing-{i}").Order(), exported.Select(e => e.InvolvedObject.Name).Order());

        var after = await MetricsScrape.FetchAsync(_agentMetricsPort);
        var created = Delta(before, after, "kagent_events_exported_total", ("member_cluster", Name), ("result", "created"));
        var writes = created + Delta(before, after, "kagent_events_exported_total", ("member_cluster", Name), ("result", "updated"));
        var bound = ExportBurst + ExportQps * elapsed;
        output.WriteLine($"{writes} control-plane writes ({created} creates) for {Distinct * Copies} member events in {elapsed:0.0}s; bound {bound:0}");
        Assert.Equal(Distinct, created);
        Assert.InRange(writes, Distinct, bound);
        Assert.Equal(0, Delta(before, after, "kagent_events_observed_total", ("member_cluster", Name), ("result", "dropped")));
    }

    private static Corev1Event MemberEvent(string ns, string type, int obj, int copy) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"crashing-{obj}.{type.ToLowerInvariant()}-{copy}", NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = $"crashing-{obj}", NamespaceProperty = ns, Uid = $"uid-crashing-{obj}" },
        Type = type,
        Reason = obj % 2 == 0 ? "BackOff" : "FailedMount",
        Message = $"container of crashing-{obj} keeps failing",
        Count = 1,
        FirstTimestamp = DateTime.UtcNow,
        LastTimestamp = DateTime.UtcNow,
        Source = new V1EventSource { Component = "kubelet", Host = "o1" },
    };

    /// <summary>The values of client-key-data and token in a kubeconfig, and 32-character pieces of each.</summary>
    private static IEnumerable<string> CredentialsIn(string kubeconfig) =>
        kubeconfig.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("client-key-data:", StringComparison.Ordinal) || l.StartsWith("token:", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim().Trim('"'))
            .Where(v => v.Length >= 32)
            .SelectMany(v => Enumerable.Range(0, v.Length / 32).Select(i => v.Substring(i * 32, 32)).Prepend(v));

    private static double Delta(MetricsScrape before, MetricsScrape after, string name, params (string, string)[] labels) =>
        (after.Value(name, labels) ?? 0) - (before.Value(name, labels) ?? 0);

    private Task<MetricsScrape> ScrapeAgentAsync(Func<MetricsScrape, bool> condition, string what) =>
        Eventually.MatchAsync(() => MetricsScrape.FetchAsync(_agentMetricsPort), condition, Timeout, what + "\n" + _agent.LogTail(20));

    private Task<MetricsScrape> ScrapeHubAsync(Func<MetricsScrape, bool> condition, string what) =>
        Eventually.MatchAsync(() => MetricsScrape.FetchAsync(onboarding.HubMetricsPort), condition, Timeout, () => what + "\n" + onboarding.HubLogTail());
}
