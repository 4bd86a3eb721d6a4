using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kagent.Aggregation.Availability;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;

namespace Kagent.Benchmarks;

/// <summary>Latency percentiles of one kind of request, in milliseconds.</summary>
public sealed record LatencyResult(string What, int Requests, double P50, double P99, double Max);

public sealed record HubResult(int Clusters, int History, IReadOnlyList<LatencyResult> Latencies, double WorkingSetMiB, double PrivateMiB, double PeakMiB, int Watchers, LatencyResult FanOut, double WorkingSetWithWatchersMiB);

/// <summary>
/// The hub's aggregated API at fleet scale on a real control plane: N Clusters with status and fresh Leases,
/// `kagent hub` behind the APIService, list latency directly and through kube-apiserver, and the time for one
/// change to reach every one of W open watches.
/// </summary>
public sealed class HubBenchmark(string root, Action<string> progress)
{
    public async Task<HubResult> RunAsync(int clusters, int watchers, int requests, int history)
    {
        progress("starting a control plane");
        await using var controlPlane = await ControlPlane.StartAsync(EnvtestBinaries.Default, new ApiServerOptions
        {
            Name = "karmada", WorkDirectory = Path.Combine(root, "karmada"),
            ExtraApiServerArguments = ["--max-requests-inflight=2000", "--max-mutating-requests-inflight=1000"],
        });
        using var admin = controlPlane.Server.AdminHttpClient(maxConnections: 256);
        await PopulateAsync(admin, controlPlane.Server.Url, clusters);
        if (history > 0) await PopulateHistoryAsync(admin, controlPlane.Server.Url, clusters, history);

        var ca = CertificateAuthority.Create("kagent-hub-ca");
        ca.IssueServing("kagent-hub", ["localhost", HubApiService.ServiceDnsName], [IPAddress.Loopback]).WriteTo(Path.Combine(root, "hub.crt"), Path.Combine(root, "hub.key"));
        var port = FreePort.Next();
        using var hub = KagentProcess.Start("hub", ["hub", "--kubeconfig", controlPlane.Server.WriteKubeconfig("admin.kubeconfig"),
            "--bind-address", "127.0.0.1", "--secure-port", port.ToString(), "--tls-cert-file", Path.Combine(root, "hub.crt"), "--tls-private-key-file", Path.Combine(root, "hub.key"),
            "--metrics-bind-address", "0", "--health-probe-bind-address", "0", "--leader-elect=false"], Path.Combine(root, "hub.log"));
        using var sampler = new ProcessSampler(hub.Pid);
        await HubApiService.RegisterAsync(controlPlane.Admin, port, ca.CertificatePem);
        await HubApiService.WaitAvailableAsync(controlPlane.Admin, TimeSpan.FromSeconds(120), () => hub.LogTail(20));

        using var direct = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true, ClientCertificates = [controlPlane.Server.FrontProxyClient.ToClientCertificate()] },
            MaxConnectionsPerServer = 256,
        })
        { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        direct.DefaultRequestHeaders.Add("X-Remote-User", "bench-admin");
        direct.DefaultRequestHeaders.Add("X-Remote-Group", "system:masters");
        const string list = "/apis/kagent.io/v1alpha1/clusterhealths";
        await Eventually.TrueAsync(async () =>
        {
            var items = JsonNode.Parse(await direct.GetStringAsync(list))!["items"]!.AsArray();
            return items.Count == clusters && items.All(i => i!["status"]?["availability"] is not null);
        }, TimeSpan.FromMinutes(2), "the hub serves every cluster with its availability");
        progress($"the hub serves {clusters} clusterhealths");

        // Every feature on: the hub also publishes a ClusterProfile per cluster. Measured once that is done, as a
        // hub runs after its first minute (a restart finds them published and writes nothing).
        var publishing = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(async () =>
        {
            var profiles = JsonNode.Parse(await admin.GetStringAsync(controlPlane.Server.Url + "/apis/multicluster.x-k8s.io/v1alpha1/namespaces/kagent-system/clusterprofiles"))!["items"]!.AsArray();
            return profiles.Count(p => p!["status"]?["properties"] is not null) == clusters;
        }, TimeSpan.FromMinutes(5), "every ClusterProfile published");
        progress($"{clusters} ClusterProfiles published {publishing.Elapsed.TotalSeconds:0} s after the hub served every clusterhealth");

        const string table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
        var latencies = new List<LatencyResult>
        {
            await MeasureAsync($"list {clusters}, JSON, hub direct", requests, () => direct.GetAsync(list)),
            await MeasureAsync($"list {clusters}, Table, hub direct", requests, () => direct.SendAsync(WithAccept(list, table))),
            await MeasureAsync("get one, JSON, hub direct", requests, () => direct.GetAsync(list + "/bench-0")),
            await MeasureAsync($"list {clusters}, JSON, through kube-apiserver", requests, () => admin.GetAsync(controlPlane.Server.Url + list)),
            await MeasureAsync($"list {clusters}, Table, through kube-apiserver", requests, () => admin.SendAsync(WithAccept(controlPlane.Server.Url + list, table))),
        };

        sampler.StartWindow();
        await Task.Delay(TimeSpan.FromSeconds(10));
        sampler.EndWindow();
        var idle = sampler.Summary();
        progress($"hub working set {idle.SteadyMiB:0} MiB ({idle.PrivateMiB:0} MiB private)");

        var fanOut = await MeasureFanOutAsync(direct, admin, controlPlane.Server.Url, watchers);
        sampler.StartWindow();
        await Task.Delay(TimeSpan.FromSeconds(5));
        sampler.EndWindow();
        return new HubResult(clusters, history, latencies, idle.SteadyMiB, idle.PrivateMiB, sampler.PeakMiB, watchers, fanOut, sampler.Summary().SteadyMiB);
    }

    private async Task PopulateAsync(HttpClient admin, string url, int clusters)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, clusters), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var name = $"bench-{i}";
            await PostAsync(admin, $"{url}/apis/cluster.karmada.io/v1alpha1/clusters", new
            {
                apiVersion = "cluster.karmada.io/v1alpha1", kind = "Cluster",
                metadata = new { name, labels = new Dictionary<string, string> { ["region"] = $"r{i % 10}" } },
                spec = new { syncMode = "Pull", apiEndpoint = $"https://cluster-{i}.example:6443", provider = "aws", region = $"r{i % 10}", zones = new[] { $"r{i % 10}a" } },
            }, ct);
            await PutAsync(admin, $"{url}/apis/cluster.karmada.io/v1alpha1/clusters/{name}/status", Status(name, ready: true), ct);
            await PostAsync(admin, $"{url}/apis/coordination.k8s.io/v1/namespaces/karmada-cluster/leases", new
            {
                apiVersion = "coordination.k8s.io/v1", kind = "Lease",
                metadata = new { name },
                spec = new { holderIdentity = name, leaseDurationSeconds = 3600, renewTime = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ") },
            }, ct);
        });
        progress($"created {clusters} Clusters with status and Leases in {clock.Elapsed.TotalSeconds:0}s");
    }

    /// <summary>
    /// A readiness history per cluster as the hub keeps it after a month: <paramref name="transitions"/> changes
    /// over the last 29 days (5-minute outages), ending up, so the hub finds nothing to record at start.
    /// </summary>
    private async Task PopulateHistoryAsync(HttpClient admin, string url, int clusters, int transitions)
    {
        var clock = Stopwatch.StartNew();
        var now = DateTime.UtcNow;
        var step = TimeSpan.FromDays(29) / transitions;
        await Parallel.ForEachAsync(Enumerable.Range(0, clusters), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var spec = new ClusterAvailabilitySpec();
            var start = now - TimeSpan.FromDays(29);
            AvailabilityHistory.Record(spec, AvailabilityStates.Up, "ClusterReady", start);
            for (var t = 1; t < transitions; t += 2)
            {
                var at = start + step * t;
                AvailabilityHistory.Record(spec, AvailabilityStates.Down, "HeartbeatStale", at);
                AvailabilityHistory.Record(spec, AvailabilityStates.Up, "ClusterReady", at + TimeSpan.FromMinutes(5));
            }

            var record = new ClusterAvailability { ApiVersion = "kagent.io/v1beta1", Kind = "ClusterAvailability", Metadata = new k8s.Models.V1ObjectMeta { Name = $"bench-{i}" }, Spec = spec };
            using var response = await admin.PostAsync($"{url}/apis/kagent.io/v1beta1/clusteravailabilities",
                new StringContent(KubeJson.Serialize(record), Encoding.UTF8, "application/json"), ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST clusteravailabilities: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        });
        progress($"created {clusters} readiness histories of {transitions} transitions in {clock.Elapsed.TotalSeconds:0}s");
    }

    private async Task<LatencyResult> MeasureAsync(string what, int requests, Func<Task<HttpResponseMessage>> send)
    {
        for (var i = 0; i < Math.Min(20, requests); i++) (await send()).Dispose();
        var samples = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await send();
            await response.Content.ReadAsByteArrayAsync();
            samples.Add(clock.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{what}: HTTP {(int)response.StatusCode}");
        }

        var result = Percentiles(what, samples);
        progress($"{what}: p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms");
        return result;
    }

    /// <summary>Opens W watches, then flips one cluster's Ready condition ten times and times its arrival at every watch.</summary>
    private async Task<LatencyResult> MeasureFanOutAsync(HttpClient direct, HttpClient admin, string url, int watchers)
    {
        var received = new long[watchers];
        var arrivals = new List<double>();
        var gate = new object();
        var changedAt = 0L;
        using var stop = new CancellationTokenSource();
        var streams = new List<Task>();
        var list = JsonNode.Parse(await direct.GetStringAsync("/apis/kagent.io/v1alpha1/clusterhealths?limit=1"))!;
        var version = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        for (var w = 0; w < watchers; w++)
        {
            var index = w;
            var response = await direct.GetAsync($"/apis/kagent.io/v1alpha1/clusterhealths?watch=1&resourceVersion={version}", HttpCompletionOption.ResponseHeadersRead);
            streams.Add(Task.Run(async () =>
            {
                using (response)
                using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
                {
                    try
                    {
                        while (await reader.ReadLineAsync(stop.Token) is { } line)
                        {
                            if (!line.Contains("\"MODIFIED\"")) continue;
                            var elapsed = Stopwatch.GetElapsedTime(Interlocked.Read(ref changedAt)).TotalMilliseconds;
                            Interlocked.Increment(ref received[index]);
                            lock (gate) arrivals.Add(elapsed);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }));
        }

        progress($"{watchers} watches open");
        for (var round = 1; round <= 10; round++)
        {
            Interlocked.Exchange(ref changedAt, Stopwatch.GetTimestamp());
            await PutAsync(admin, $"{url}/apis/cluster.karmada.io/v1alpha1/clusters/bench-0/status", Status("bench-0", ready: round % 2 == 0), CancellationToken.None);
            await Eventually.TrueAsync(() => received.All(r => Interlocked.Read(ref r) >= round), TimeSpan.FromSeconds(30), $"change {round} at every watch");
        }

        await stop.CancelAsync();
        await Task.WhenAll(streams);
        var result = Percentiles($"one change to {watchers} watches", arrivals);
        progress($"{result.What}: p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms, max {result.Max:0.0} ms");
        return result;
    }

    private static async Task PostAsync(HttpClient http, string url, object body, CancellationToken ct)
    {
        using var response = await http.PostAsync(url, Json(body), ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task PutAsync(HttpClient http, string url, object body, CancellationToken ct)
    {
        // Status updates need the current resourceVersion; read it, then write.
        var current = JsonNode.Parse(await http.GetStringAsync(url.Replace("/status", ""), ct))!;
        var update = JsonSerializer.SerializeToNode(body)!;
        update["metadata"] = new JsonObject { ["name"] = current["metadata"]!["name"]!.GetValue<string>(), ["resourceVersion"] = current["metadata"]!["resourceVersion"]!.GetValue<string>() };
        using var response = await http.PutAsync(url, new StringContent(update.ToJsonString(), Encoding.UTF8, "application/json"), ct);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
    }

    private static object Status(string name, bool ready) => new
    {
        apiVersion = "cluster.karmada.io/v1alpha1", kind = "Cluster", metadata = new { name },
        spec = new { syncMode = "Pull" },
        status = new
        {
            kubernetesVersion = "v1.30.2",
            conditions = new[] { new { type = "Ready", status = ready ? "True" : "False", reason = ready ? "ClusterReady" : "ClusterNotReady", message = "bench", lastTransitionTime = "2026-01-01T00:00:00Z" } },
            nodeSummary = new { totalNum = 50, readyNum = 50 },
            resourceSummary = new
            {
                allocatable = new Dictionary<string, string> { ["cpu"] = "3200", ["memory"] = "12800Gi", ["pods"] = "5500" },
                allocated = new Dictionary<string, string> { ["cpu"] = "1200", ["memory"] = "4000Gi", ["pods"] = "1500" },
            },
        },
    };

    private static HttpRequestMessage WithAccept(string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static LatencyResult Percentiles(string what, List<double> samples) =>
        new(what, samples.Count, Samples.Quantile(samples, 0.50), Samples.Quantile(samples, 0.99), samples.Max());
}
