using System.Diagnostics;
using System.Text.Json;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;

namespace Kagent.Benchmarks;

/// <summary>One measured scale: the agent against a member with this many nodes and pods.</summary>
public sealed record AgentResult(int Nodes, int Pods, double FirstCompleteSeconds, double SteadyWorkingSetMiB, double PeakWorkingSetMiB,
    double SteadyPrivateMiB, double IdleMillicores, int IdleStatusWritesPerMinute, double ChangeLatencySeconds);

/// <summary>
/// Real API servers, the real hub and agent processes: populates a member, starts the agent, and measures it.
/// Kagent's process is observed from outside (/proc), the control plane through its API.
/// </summary>
public sealed class AgentBenchmark(string root, Action<string> progress)
{
    private const string Member = "bench-member";

    public async Task<IReadOnlyList<AgentResult>> RunAsync(int nodes, IReadOnlyList<int> podCounts, TimeSpan idleWindow)
    {
        var binaries = EnvtestBinaries.Default;
        progress("starting a control plane and a member cluster (etcd quota 8 GiB)");
        await using var controlPlane = await ControlPlane.StartAsync(binaries, new ApiServerOptions { Name = "karmada", WorkDirectory = Path.Combine(root, "karmada") });
        await using var member = await MemberCluster.StartAsync(binaries, new ApiServerOptions
        {
            Name = Member, WorkDirectory = Path.Combine(root, Member), EtcdQuotaBytes = 8L << 30,
            ExtraApiServerArguments = ["--max-requests-inflight=2000", "--max-mutating-requests-inflight=1000"],
        });

        using var http = member.Server.AdminHttpClient();
        await Populate(http, "api/v1/nodes", nodes, i => NodeJson(i), "nodes");

        var results = new List<AgentResult>();
        var created = 0;
        foreach (var pods in podCounts)
        {
            await Populate(http, "api/v1/namespaces/default/pods", pods - created, i => PodJson(created + i, nodes), "pods");
            created = pods;
            results.Add(await MeasureAsync(controlPlane, member, nodes, pods, idleWindow));
        }

        return results;
    }

    private async Task<AgentResult> MeasureAsync(ControlPlane controlPlane, MemberCluster member, int nodes, int pods, TimeSpan idleWindow)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, $"run-{pods}")).FullName;
        await new EntityClient<OnboardingPolicy>(controlPlane.Admin).DeleteAsync("bench");
        await new EntityClient<OnboardingPolicy>(controlPlane.Admin).CreateAsync(new OnboardingPolicy { Metadata = new V1ObjectMeta { Name = "bench" }, Spec = new OnboardingPolicySpec { AutoAccept = true } });
        using var hub = KagentProcess.Start("hub", ["hub", "--kubeconfig", controlPlane.Server.WriteKubeconfig("admin.kubeconfig"), "--secure-port", "0",
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--leader-elect=false"], Path.Combine(dir, "hub.log"));

        progress($"{pods} pods: starting the agent");
        var clusters = new EntityClient<Cluster>(controlPlane.Admin);
        var started = Stopwatch.StartNew();
        using var agent = KagentProcess.Start("agent", ["agent", "--cluster-name", Member,
            "--karmada-kubeconfig", controlPlane.Server.WriteKubeconfig("admin.kubeconfig"), "--kubeconfig", member.Server.WriteKubeconfig("admin.kubeconfig"),
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--leader-elect=false"], Path.Combine(dir, "agent.log"), AgentDeployment.EnvironmentForBenchmarks());
        using var sampler = new ProcessSampler(agent.Pid);

        try
        {
            await Eventually.TrueAsync(async () => AllocatedPods(await clusters.GetAsync(Member)) == pods, TimeSpan.FromMinutes(5), "first complete status");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nagent log:\n{agent.LogTail(40)}\nhub log:\n{hub.LogTail(20)}", e);
        }
        var firstComplete = started.Elapsed.TotalSeconds;
        progress($"{pods} pods: first complete status after {firstComplete:0.0}s; idle for {idleWindow.TotalSeconds:0}s");

        // Idle: nothing changes in the member; count status writes and CPU, sample memory.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var writes = await CountClusterWritesAsync(controlPlane, idleWindow, sampler);
        var idle = sampler.Summary();

        // One change: a new pod, until the control plane shows it.
        using var http = member.Server.AdminHttpClient(1);
        var change = Stopwatch.StartNew();
        (await http.PostAsync("api/v1/namespaces/default/pods", Json(PodJson(pods, nodes)))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => AllocatedPods(await clusters.GetAsync(Member)) == pods + 1, TimeSpan.FromMinutes(1), "change reported");
        var latency = change.Elapsed.TotalSeconds;
        (await http.DeleteAsync($"api/v1/namespaces/default/pods/bench-pod-{pods}?gracePeriodSeconds=0")).EnsureSuccessStatusCode();

        await new EntityClient<ClusterRegistration>(controlPlane.Admin).DeleteAsync(Member);
        await Eventually.TrueAsync(async () => await new EntityClient<ClusterRegistration>(controlPlane.Admin).GetAsync(Member) is null, TimeSpan.FromMinutes(1), "deregistered");
        return new AgentResult(nodes, pods, firstComplete, idle.SteadyMiB, sampler.PeakMiB, idle.PrivateMiB, idle.Millicores, (int)Math.Round(writes * 60 / idleWindow.TotalSeconds), latency);
    }

    private static Task<int> CountClusterWritesAsync(ControlPlane controlPlane, TimeSpan window, ProcessSampler sampler) =>
        ObjectWrites.CountAsync<Cluster>(controlPlane.Admin, Member, window, sampler.StartWindow, sampler.EndWindow);

    private static int AllocatedPods(Cluster? cluster) =>
        cluster?.Status?.ResourceSummary?.Allocated is { } allocated && allocated.TryGetValue("pods", out var pods) ? (int)pods.ToDecimal() : -1;

    private async Task Populate(HttpClient http, string path, int count, Func<int, object> body, string what)
    {
        if (count <= 0) return;
        var created = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var response = await http.PostAsync(path, Json(body(i)), ct);
            if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.Conflict)
                throw new InvalidOperationException($"creating {what} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            if (Interlocked.Increment(ref created) % 10000 == 0) progress($"  {created}/{count} {what} created ({clock.Elapsed.TotalSeconds:0}s)");
        });
        progress($"created {count} {what} in {clock.Elapsed.TotalSeconds:0}s");
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private static object NodeJson(int i) => new
    {
        apiVersion = "v1", kind = "Node",
        metadata = new { name = $"bench-node-{i}", labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = $"bench-node-{i}" } },
        status = new
        {
            capacity = new Dictionary<string, string> { ["cpu"] = "64", ["memory"] = "256Gi", ["pods"] = "110" },
            allocatable = new Dictionary<string, string> { ["cpu"] = "64", ["memory"] = "256Gi", ["pods"] = "110" },
            conditions = new[] { new { type = "Ready", status = "True", reason = "KubeletReady", lastTransitionTime = "2026-01-01T00:00:00Z", lastHeartbeatTime = "2026-01-01T00:00:00Z" } },
        },
    };

    private static object PodJson(int i, int nodes) => new
    {
        apiVersion = "v1", kind = "Pod",
        metadata = new { name = $"bench-pod-{i}", labels = new Dictionary<string, string> { ["app"] = $"app-{i % 100}" } },
        spec = new
        {
            nodeName = $"bench-node-{i % nodes}",
            containers = new[]
            {
                new { name = "app", image = "registry.example/app:1", resources = new { requests = new Dictionary<string, string> { ["cpu"] = "100m", ["memory"] = "128Mi" } } },
            },
        },
    };
}

/// <summary>Samples a process's resident memory and CPU time from /proc.</summary>
public sealed class ProcessSampler : IDisposable
{
    private readonly int _pid;
    private readonly Timer _timer;
    private readonly List<double> _window = [];
    private readonly List<double> _private = [];
    private readonly object _gate = new();
    private bool _inWindow;
    private double _cpuAtStart;
    private DateTime _windowStart;
    private double _millicores;

    public ProcessSampler(int pid)
    {
        _pid = pid;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    public double PeakMiB { get; private set; }

    public void StartWindow()
    {
        lock (_gate)
        {
            _window.Clear();
            _private.Clear();
            _inWindow = true;
            _cpuAtStart = CpuSeconds();
            _windowStart = DateTime.UtcNow;
        }
    }

    public void EndWindow()
    {
        lock (_gate)
        {
            _inWindow = false;
            _millicores = (CpuSeconds() - _cpuAtStart) / (DateTime.UtcNow - _windowStart).TotalSeconds * 1000;
        }
    }

    public (double SteadyMiB, double PrivateMiB, double Millicores) Summary()
    {
        lock (_gate) return (_window.Count == 0 ? 0 : _window.Average(), _private.Count == 0 ? 0 : _private.Average(), _millicores);
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        try
        {
            var footprint = ProcessFootprint.Of(_pid);
            var mib = footprint.RssBytes / 1048576.0;
            var anonymous = footprint.AnonymousBytes / 1048576.0;
            lock (_gate)
            {
                PeakMiB = Math.Max(PeakMiB, mib);
                if (_inWindow)
                {
                    _window.Add(mib);
                    _private.Add(anonymous);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or FormatException)
        {
        }
    }

    private double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11]) + double.Parse(fields[12])) / 100.0;   // utime + stime, in clock ticks of 1/100 s
    }
}
