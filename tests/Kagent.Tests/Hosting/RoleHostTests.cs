using System.Net;
using System.Net.Sockets;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Hosting;

/// <summary>Both roles, as real processes against real API servers: health, readiness and metrics endpoints.</summary>
[Collection(FleetCollection.Name)]
public sealed class RoleHostTests(FleetFixture fleet)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task Agent_serves_health_readiness_and_metrics_once_connected()
    {
        var (metricsPort, healthPort) = (FreePort.Next(), FreePort.Next());
        using var agent = KagentProcess.Start("agent-host-test",
        [
            "agent", "--cluster-name", "member1",
            "--karmada-kubeconfig", fleet.ControlPlane.AdminKubeconfigPath,
            "--kubeconfig", fleet.Member1.AdminKubeconfigPath,
            "--metrics-bind-address", $"127.0.0.1:{metricsPort}",
            "--health-probe-bind-address", $"127.0.0.1:{healthPort}",
            "--v", "4",
        ], Path.Combine(fleet.Fleet.Root, "agent-host-test.log"));

        await Eventually.TrueAsync(() => IsOkAsync($"http://127.0.0.1:{healthPort}/readyz"), TimeSpan.FromSeconds(30), () => "agent /readyz ok\n" + agent.LogTail());
        Assert.Equal("ok", await Http.GetStringAsync($"http://127.0.0.1:{healthPort}/healthz"));
        Assert.Equal("ok", await Http.GetStringAsync($"http://127.0.0.1:{healthPort}/livez"));
        var verbose = await Http.GetStringAsync($"http://127.0.0.1:{healthPort}/readyz?verbose");
        Assert.Contains("[+]clusters ok", verbose);

        var metrics = await Http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Contains("kagent_build_info{", metrics);
        Assert.Contains("kagent_cluster_reachable{cluster=\"karmada\"} 1", metrics);
        Assert.Contains("kagent_cluster_reachable{cluster=\"member\"} 1", metrics);

        // Endpoints stay on their own ports.
        using var notFound = await Http.GetAsync($"http://127.0.0.1:{healthPort}/metrics");
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);

        // klog's JSON, and at --v=4 a line for each request (the readiness checks above made some).
        var lines = KlogLines(agent.LogPath);
        Assert.Contains(lines, l => l["caller"]!.GetValue<string>() == "Kagent:4001" && l["v"]!.GetValue<int>() == 0 && l["role"]!.GetValue<string>() == "agent");
        Assert.Contains(lines, l => l["caller"]!.GetValue<string>() == "Requests:4020" && l["v"]!.GetValue<int>() == 4 && l["verb"] is not null && l["code"] is not null);
    }

    /// <summary>Every line of a log in klog's JSON: ts (Unix seconds), caller and msg on each.</summary>
    private static List<System.Text.Json.Nodes.JsonNode> KlogLines(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l =>
        {
            Assert.True(l["ts"]!.GetValue<double>() > 1.7e9, l.ToJsonString());
            Assert.False(string.IsNullOrEmpty(l["caller"]?.GetValue<string>()), l.ToJsonString());
            Assert.False(string.IsNullOrEmpty(l["msg"]?.GetValue<string>()), l.ToJsonString());
        });
        return lines;
    }

    [Fact]
    public async Task Hub_is_not_ready_while_the_control_plane_is_unreachable()
    {
        var unreachable = Path.Combine(fleet.Fleet.Root, "unreachable.kubeconfig");
        File.WriteAllText(unreachable, Kubeconfig.Render("gone", $"https://127.0.0.1:{FreePort.Next()}", fleet.ControlPlane.Server.ServingCa.CertificatePem, "u", new Credentials.Token("t")));
        var healthPort = FreePort.Next();
        using var hub = KagentProcess.Start("hub-unreachable", ["hub", "--kubeconfig", unreachable, "--secure-port", "0", "--metrics-bind-address", "0", "--health-probe-bind-address", $"127.0.0.1:{healthPort}"],
            Path.Combine(fleet.Fleet.Root, "hub-unreachable.log"));

        await Eventually.TrueAsync(() => IsOkAsync($"http://127.0.0.1:{healthPort}/healthz"), TimeSpan.FromSeconds(30), "hub /healthz ok");
        using var ready = await Http.GetAsync($"http://127.0.0.1:{healthPort}/readyz?verbose");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("[-]clusters failed: karmada unreachable", await ready.Content.ReadAsStringAsync());
        Assert.False(hub.HasExited);

        // At the default --v=0: the warning that the control plane cannot be reached, with the reason, and no
        // per-request or per-reconcile lines.
        var lines = KlogLines(hub.LogPath);
        Assert.Contains(lines, l => l["caller"]!.GetValue<string>() == "ClusterConnectivity:4011" && l["v"] is null && l["cluster"]!.GetValue<string>() == "karmada");
        Assert.DoesNotContain(lines, l => l["v"] is { } v && v.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Port_in_use_fails_at_start_with_one_line_and_exit_code_2()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var result = await KagentProcess.RunAsync(["hub", "--kubeconfig", fleet.ControlPlane.AdminKubeconfigPath, "--secure-port", "0",
            "--metrics-bind-address", $"127.0.0.1:{port}", "--health-probe-bind-address", "0"]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StandardError.Trim().Split('\n'));
        Assert.StartsWith("kagent: --metrics-bind-address: ", line);
        Assert.Contains("address already in use", line);
    }

    private static async Task<bool> IsOkAsync(string url)
    {
        try
        {
            using var response = await Http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
