using System.Diagnostics;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Operator.Entities;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;

namespace Kagent.Benchmarks;

/// <summary>What 2,000 Works cost the agent, and how fast they apply.</summary>
public sealed record WorkResult(
    int Works,
    double AllAppliedSeconds,
    double RssBeforeMiB,
    double RssAfterMiB,
    double IdleMillicoresBefore,
    double IdleMillicoresAfter,
    int IdleWorkWritesPerMinute,
    IReadOnlyDictionary<string, int> ControlPlaneWrites,
    IReadOnlyList<double> EditLatencies,
    int Deleted,
    double DeleteSeconds);

/// <summary>
/// Real API servers, the real hub and agent: Works built exactly as Karmada's control plane builds them (one
/// manifest each: half Deployments, half Services, in one execution namespace), created at once; measured from
/// outside: the Works' conditions in the control plane, the agent's /proc, and kube-apiserver's audit log of the
/// agent's identity (every control-plane request it makes).
/// </summary>
public sealed class WorkBenchmark(string root, Action<string> progress)
{
    private const string Member = "bench-member";
    private const string AgentUser = "bench-agent";
    private const string Namespace = "bench";

    // Enough edits that a rare slow one shows in each run, and in which order it came.
    private const int EditedWorks = 20;

    /// <param name="settle">How long after registration the first idle window begins (the runtime compiles its hot paths at a higher tier meanwhile).</param>
    public async Task<WorkResult> RunAsync(int works, TimeSpan idleWindow, TimeSpan settle)
    {
        var binaries = EnvtestBinaries.Default;
        progress("starting a control plane (auditing the agent's requests) and a member cluster");
        await using var controlPlane = await ControlPlane.StartAsync(binaries, new ApiServerOptions
        {
            Name = "karmada", WorkDirectory = Path.Combine(root, "karmada"), AuditedUsers = [AgentUser],
            ExtraApiServerArguments = ["--max-requests-inflight=2000", "--max-mutating-requests-inflight=1000"],
        });
        // Room for 1,000 Service cluster IPs (the test servers' /24 holds 254); the later flag wins.
        await using var member = await MemberCluster.StartAsync(binaries, new ApiServerOptions
        {
            Name = Member, WorkDirectory = Path.Combine(root, Member),
            ExtraApiServerArguments = ["--max-requests-inflight=2000", "--max-mutating-requests-inflight=1000", "--service-cluster-ip-range", "10.0.0.0/20"],
        });

        await new EntityClient<OnboardingPolicy>(controlPlane.Admin).CreateAsync(new OnboardingPolicy { Metadata = new V1ObjectMeta { Name = "bench" }, Spec = new OnboardingPolicySpec { AutoAccept = true } });
        using var hub = KagentProcess.Start("hub", ["hub", "--kubeconfig", controlPlane.Server.WriteKubeconfig("admin.kubeconfig"), "--secure-port", "0",
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--leader-elect=false"], Path.Combine(root, "hub.log"));
        var agentKubeconfig = Path.Combine(root, "agent-karmada.kubeconfig");
        await File.WriteAllTextAsync(agentKubeconfig, controlPlane.Server.KubeconfigFor(AgentUser, "system:masters"));
        using var agent = KagentProcess.Start("agent", ["agent", "--cluster-name", Member,
            "--karmada-kubeconfig", agentKubeconfig, "--kubeconfig", member.Server.WriteKubeconfig("admin.kubeconfig"),
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", .. ExtraAgentArguments()], Path.Combine(root, "agent.log"), AgentDeployment.EnvironmentForBenchmarks());
        using var sampler = new ProcessSampler(agent.Pid);
        var registrations = new EntityClient<ClusterRegistration>(controlPlane.Admin);
        await Eventually.TrueAsync(async () => (await registrations.GetAsync(Member))?.Status.Phase == OnboardingConstants.PhaseRegistered,
            TimeSpan.FromMinutes(2), () => "registered\n" + agent.LogTail(20));

        var workClient = new EntityClient<Work>(controlPlane.Admin);
        var executionSpace = KarmadaConstants.ExecutionSpaceFor(Member);
        // The resource templates' namespace exists in the control plane, as in Karmada, where their events go.
        await controlPlane.EnsureNamespaceAsync(Namespace);
        await workClient.CreateAsync(KarmadaWorks.Create(Member, "bench-namespace", KarmadaWorks.Namespace(Namespace)));
        await Eventually.TrueAsync(async () => Applied(await workClient.GetAsync("bench-namespace", executionSpace)), TimeSpan.FromMinutes(1), "namespace Work applied");

        // Its first 30 s the process still compiles and sizes its heap; --settle waits longer, for the steady state.
        progress($"settling {settle.TotalSeconds:0}s, then idle before: {idleWindow.TotalSeconds:0}s");
        await Task.Delay(settle);
        sampler.StartWindow();
        await Task.Delay(idleWindow);
        sampler.EndWindow();
        var before = sampler.Summary();
        var auditedBefore = AuditLog.Read(controlPlane.Server.AuditLogPath).Count;

        // Counted from a watch, not by listing 2,000 Works again and again (which would load the control plane more than the agent does).
        var applied = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var watcher = new Kagent.Operator.Cache.ResourceWatcher<Work>(controlPlane.Admin, ResourcePath.For<Work>(executionSpace));
        watcher.Subscribe(change => applied[change.Object.Metadata.Name] = Applied(change.Object) && change.Object.Status.ManifestStatuses is { Count: 1 });
        using var stopWatching = new CancellationTokenSource();
        var watching = watcher.RunAsync(stopWatching.Token);
        await watcher.Synced;

        progress($"creating {works} Works at once");
        var clock = Stopwatch.StartNew();
        using var http = controlPlane.Server.AdminHttpClient(16);
        await Parallel.ForEachAsync(Enumerable.Range(0, works), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var work = i % 2 == 0
                ? KarmadaWorks.Create(Member, $"deploy-{i}", KarmadaWorks.Deployment(Namespace, $"app-{i}", 1))
                : KarmadaWorks.Create(Member, $"svc-{i}", KarmadaWorks.Service(Namespace, $"app-{i}"));
            using var response = await http.PostAsync($"apis/{WorkConstants.Group}/{WorkConstants.Version}/namespaces/{executionSpace}/works",
                new StringContent(KubeJson.Serialize(work), System.Text.Encoding.UTF8, "application/json"), ct);
            response.EnsureSuccessStatusCode();
        });
        progress($"created {works} Works in {clock.Elapsed.TotalSeconds:0.0}s; waiting until every one is Applied with manifestStatuses");
        var reported = 0;
        await Eventually.TrueAsync(() =>
        {
            var done = applied.Count(kv => kv.Value && kv.Key != "bench-namespace");
            if (clock.Elapsed.TotalSeconds >= reported + 10)
            {
                reported = (int)clock.Elapsed.TotalSeconds;
                progress($"  {done}/{applied.Count} applied after {reported}s");
            }

            return done == works;
        }, TimeSpan.FromMinutes(15), () => "all applied\n" + agent.LogTail(20));
        var allApplied = clock.Elapsed.TotalSeconds;
        await stopWatching.CancelAsync();
        await watching;
        var writes = AuditLog.Read(controlPlane.Server.AuditLogPath).Skip(auditedBefore)
            .Where(r => r.Verb is "create" or "update" or "patch" or "delete")
            .GroupBy(r => $"{r.Verb} {r.RbacResource}")
            .ToDictionary(g => g.Key, g => g.Count());

        progress($"all applied after {allApplied:0.0}s; idle after: {idleWindow.TotalSeconds:0}s");
        await Task.Delay(TimeSpan.FromSeconds(15));
        var idleWrites = await CountWorkWritesAsync(controlPlane.Admin, executionSpace, idleWindow, sampler);
        var after = sampler.Summary();

        progress($"edit latency: {EditedWorks} Works changed one at a time");
        var edits = new List<double>();
        for (var i = 0; i < 2 * EditedWorks; i += 2)
        {
            var work = (await workClient.GetAsync($"deploy-{i}", executionSpace))!;
            work.Spec.Workload!.Manifests![0]["spec"]!["replicas"] = 3;

            // The bench's own member client is read once before the clock starts: its first request after the idle
            // window opens a new connection (and the first one ever prepares the Deployment type), which is the
            // bench's cost, not the agent's.
            if ((await member.Admin.AppsV1.ReadNamespacedDeploymentAsync($"app-{i}", Namespace)).Spec.Replicas == 3) throw new InvalidOperationException($"app-{i} has 3 replicas before its edit");
            var edit = Stopwatch.StartNew();
            await workClient.ReplaceAsync(work);

            // Read every 10 ms (a backing-off wait would add its own steps to the latency).
            while ((await member.Admin.AppsV1.ReadNamespacedDeploymentAsync($"app-{i}", Namespace)).Spec.Replicas != 3)
            {
                if (edit.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException("the edit did not reach the member\n" + agent.LogTail(20));
                await Task.Delay(10);
            }

            edits.Add(edit.Elapsed.TotalSeconds);
        }

        progress("edits in the order made: " + string.Join(", ", edits.Select(e => $"{e:0.000}")) + " s");

        var deleted = Math.Min(200, works);
        progress($"deleting {deleted} Works");
        var deletion = Stopwatch.StartNew();
        foreach (var i in Enumerable.Range(0, deleted)) await workClient.DeleteAsync(i % 2 == 0 ? $"deploy-{i}" : $"svc-{i}", executionSpace);
        await Eventually.TrueAsync(async () =>
        {
            var deployments = (await member.Admin.AppsV1.ListNamespacedDeploymentAsync(Namespace)).Items.Count;
            var services = (await member.Admin.CoreV1.ListNamespacedServiceAsync(Namespace)).Items.Count;
            return deployments + services == works - deleted;
        }, TimeSpan.FromMinutes(5), "member objects of deleted Works gone");
        var deleteSeconds = deletion.Elapsed.TotalSeconds;

        return new WorkResult(works, allApplied, before.SteadyMiB, after.SteadyMiB, before.Millicores, after.Millicores,
            (int)Math.Round(idleWrites * 60 / idleWindow.TotalSeconds), writes, edits, deleted, deleteSeconds);
    }

    /// <summary>KAGENT_BENCH_AGENT_ARGS, such as "--v=4" to see each request of the agent in its log.</summary>
    private static string[] ExtraAgentArguments() =>
        (Environment.GetEnvironmentVariable("KAGENT_BENCH_AGENT_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static bool Applied(Work? work) => Conditions.IsTrue(work?.Status.Conditions, WorkConstants.ConditionApplied);

    /// <summary>Writes to any Work of the namespace during the window, as a watch sees them.</summary>
    private static async Task<int> CountWorkWritesAsync(KubeClient client, string ns, TimeSpan window, ProcessSampler sampler)
    {
        var watcher = new Kagent.Operator.Cache.ResourceWatcher<Work>(client, ResourcePath.For<Work>(ns));
        var writes = 0;
        watcher.Subscribe(change => { if (change.Kind != Kagent.Operator.Cache.WatchEventKind.Added) Interlocked.Increment(ref writes); });
        using var stop = new CancellationTokenSource();
        var run = watcher.RunAsync(stop.Token);
        await watcher.Synced;
        Interlocked.Exchange(ref writes, 0);
        sampler.StartWindow();
        await Task.Delay(window);
        sampler.EndWindow();
        await stop.CancelAsync();
        await run;
        return writes;
    }
}
