using Kagent.Cli;
using Kagent.Testing;
using Xunit;

namespace Kagent.Tests.Cli;

/// <summary>The real kagent executable: help, and one clear line with exit code 2 for every bad input.</summary>
public sealed class CliTests
{
    private static readonly string ValidKubeconfig = WriteTemp("valid.kubeconfig", Kubeconfig.Render("c", "https://127.0.0.1:1", null, "u", new Credentials.Token("t")));

    [Theory]
    [InlineData("agent", new[] { "--cluster-name", "--karmada-kubeconfig", "--karmada-context", "--kubeconfig", "--cluster-api-endpoint", "--proxy-server-address",
        "--cluster-provider", "--cluster-region", "--cluster-zones", "--cluster-labels", "--cluster-taints", "--cluster-status-update-frequency",
        "--cluster-lease-duration", "--cluster-lease-renew-interval-fraction", "--cluster-success-threshold", "--cluster-failure-threshold",
        "--cluster-api-qps", "--cluster-api-burst", "--kube-api-qps", "--kube-api-burst", "--leader-elect", "--leader-elect-lease-duration",
        "--leader-elect-renew-deadline", "--leader-elect-retry-period", "--leader-elect-resource-namespace", "--metrics-bind-address",
        "--health-probe-bind-address" })]
    [InlineData("hub", new[] { "--karmada-kubeconfig", "--karmada-context", "--kubeconfig", "--context", "--bind-address", "--secure-port", "--tls-cert-file", "--tls-private-key-file", "--ca-bundle-file", "--kube-api-qps", "--leader-elect", "--metrics-bind-address", "--health-probe-bind-address" })]
    [InlineData("agent unregister", new[] { "--cluster-name", "--karmada-kubeconfig", "--karmada-context", "--timeout" })]
    [InlineData("join", new[] { "--token", "--discovery-token-ca-cert-hash", "--discovery-token-unsafe-skip-ca-verification", "--cluster-name", "--kubeconfig", "--namespace", "--discovery-timeout", "--cert-expiration-seconds" })]
    [InlineData("token create", new[] { "--kubeconfig", "--ttl", "--groups", "--usages", "--description", "--print-join-command" })]
    public async Task Help_lists_every_flag(string role, string[] flags)
    {
        var result = await KagentProcess.RunAsync([.. role.Split(' '), "--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var flag in flags) Assert.Contains(flag + " ", result.StandardOutput);
    }

    [Theory]
    [InlineData("--cluster-status-update-frequency", "[default: 10s]")]
    [InlineData("--cluster-lease-duration", "[default: 40s]")]
    [InlineData("--cluster-lease-renew-interval-fraction", "[default: 0.25]")]
    [InlineData("--cluster-success-threshold", "[default: 30s]")]
    [InlineData("--cluster-failure-threshold", "[default: 30s]")]
    [InlineData("--cluster-api-qps", "[default: 40]")]
    [InlineData("--cluster-api-burst", "[default: 60]")]
    [InlineData("--metrics-bind-address", "[default: :8080]")]
    [InlineData("--health-probe-bind-address", "[default: :10357]")]
    [InlineData("--leader-elect-lease-duration", "[default: 15s]")]
    public async Task Agent_defaults_match_karmada_agent(string flag, string shown)
    {
        var result = await KagentProcess.RunAsync(["agent", "--help"]);
        var line = result.StandardOutput.Split('\n').Single(l => l.TrimStart().StartsWith(flag + " "));
        Assert.Contains(shown, line);
    }

    public static TheoryData<string[], string> BadAgentInput => new()
    {
        { ["--bogus"], "'--bogus'" },
        { [], "--cluster-name: is required" },
        { ["--cluster-name", "Member_1"], "--cluster-name: 'Member_1' is not a DNS-1123 label" },
        { ["--cluster-name", new string('a', 49)], "--cluster-name: '" },
        { ["--cluster-name", "m1"], "--karmada-kubeconfig: is required" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", "/does/not/exist"], "--karmada-kubeconfig: /does/not/exist: no such file" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", WriteTemp("garbage.kubeconfig", "this: [is not")], "--karmada-kubeconfig:" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--karmada-context", "nope", "--kubeconfig", ValidKubeconfig], "--karmada-kubeconfig:" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--kubeconfig", "/nope"], "--kubeconfig: /nope: no such file" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cluster-lease-duration", "forty"], "--cluster-lease-duration: 'forty' is not a duration" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cluster-lease-renew-interval-fraction", "1.5"], "--cluster-lease-renew-interval-fraction:" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cluster-labels", "novalue"], "--cluster-labels: 'novalue' is not key=value" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cluster-taints", "k=v:Sometimes"], "--cluster-taints:" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--signal-nodes-ready-threshold", "120"], "--signal-nodes-ready-threshold: 120 is not a percentage between 0 and 100" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--signal-capacity-threshold", "0"], "--signal-capacity-threshold: 0 is not a percentage between 1 and 100" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--signal-clock-skew-threshold", "-5s"], "--signal-clock-skew-threshold: '-5s' is not a duration" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--signal-agent-stall-threshold", "0s"], "--signal-agent-stall-threshold: must be greater than 0" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cert-rotation-remaining-time-threshold", "1.5"], "--cert-rotation-remaining-time-threshold: 1.5 is not a share between 0 and 1" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--signal-conditions", "Bogus"], "--signal-conditions: 'Bogus' is not a signal; known: NodesReady" },
        // "--flag=" is an empty value, as in Go: accepted here, so the error is the next one.
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--signal-conditions=", "--cluster-taints", "k=v:Sometimes"], "--cluster-taints:" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cluster-api-endpoint", "http://plain:80"], "--cluster-api-endpoint: 'http://plain:80' is not an absolute https URL" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--metrics-bind-address", "everywhere"], "--metrics-bind-address:" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--cluster-api-qps", "0"], "--cluster-api-qps: must be greater than 0" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--leader-elect-lease-duration", "5s"], "--leader-elect-lease-duration: must be greater than --leader-elect-renew-deadline" },
        { ["--cluster-name", "m1", "--karmada-kubeconfig", ValidKubeconfig, "--log-format", "xml"], "--log-format" },
    };

    [Theory]
    [MemberData(nameof(BadAgentInput))]
    public async Task Bad_agent_input_is_one_clear_line_and_exit_code_2(string[] arguments, string expected)
    {
        var result = await KagentProcess.RunAsync(["agent", .. arguments]);
        Assert.Equal(2, result.ExitCode);
        var lines = result.StandardError.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("kagent: ", lines[0]);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public async Task Bad_hub_kubeconfig_is_one_clear_line_and_exit_code_2()
    {
        var result = await KagentProcess.RunAsync(["hub", "--kubeconfig", "/missing/karmada.kubeconfig", "--secure-port", "0"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("kagent: --kubeconfig: /missing/karmada.kubeconfig: no such file", result.StandardError.Trim());
    }

    [Fact]
    public async Task The_host_install_placeholder_kubeconfig_is_refused_with_a_hint()
    {
        var placeholder = Path.Combine(Kagent.Testing.Servers.RepositoryRoot.Find(), "config/host/karmada.config");
        var result = await KagentProcess.RunAsync(["hub", "--karmada-kubeconfig", placeholder, "--secure-port", "0"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"kagent: --karmada-kubeconfig: {placeholder}: has no current-context and no context was named; is it still the placeholder?", result.StandardError.Trim());
    }

    [Theory]
    [InlineData(new[] { "--kubeconfig", "/k" }, "kagent: --tls-cert-file: is required")]
    [InlineData(new[] { "--tls-cert-file", "/nope.crt", "--tls-private-key-file", "/nope.key" }, "kagent: --tls-cert-file: /nope.crt: no such file")]
    [InlineData(new[] { "--secure-port", "70000" }, "kagent: --secure-port: 70000 is not a port")]
    [InlineData(new[] { "--self-signed-certs", "--ca-bundle-file", "/ca.crt" }, "kagent: --self-signed-certs: cannot be combined with --tls-cert-file, --tls-private-key-file or --ca-bundle-file; choose one")]
    [InlineData(new[] { "--karmada-context", "karmada", "--secure-port", "0" }, "kagent: --karmada-context: needs --karmada-kubeconfig; with --kubeconfig use --context")]
    public async Task Bad_hub_serving_flags_are_one_clear_line_and_exit_code_2(string[] arguments, string expected)
    {
        var result = await KagentProcess.RunAsync(["hub", .. arguments]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.StandardError.Trim());
    }

    private const string Pin = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    [Theory]
    [InlineData(new[] { "join", "cp:6443", "--token", "abcdef.0123456789abcdef", "--discovery-token-ca-cert-hash", Pin }, "kagent: --cluster-name: is required")]
    [InlineData(new[] { "join", "cp:6443", "--token", "abc.def", "--discovery-token-ca-cert-hash", Pin, "--cluster-name", "m1" }, "kagent: --token: is not a bootstrap token")]
    [InlineData(new[] { "join", "cp:6443", "--token", "abcdef.0123456789abcdef", "--cluster-name", "m1" }, "kagent: --discovery-token-ca-cert-hash: is required")]
    [InlineData(new[] { "join", "cp:6443", "--token", "abcdef.0123456789abcdef", "--discovery-token-ca-cert-hash", "md5:00", "--cluster-name", "m1" }, "kagent: --discovery-token-ca-cert-hash: 'md5:00' is not a pin")]
    [InlineData(new[] { "join", "cp:6443", "--token", "abcdef.0123456789abcdef", "--discovery-token-ca-cert-hash", Pin, "--cluster-name", "M_1" }, "kagent: --cluster-name: ")]
    [InlineData(new[] { "join", "cp:6443", "--token", "abcdef.0123456789abcdef", "--discovery-token-ca-cert-hash", Pin, "--cluster-name", "m1", "--kubeconfig", "/nope" }, "kagent: --kubeconfig: /nope: no such file")]
    [InlineData(new[] { "token", "create", "--groups", "admins" }, "kagent: --groups: 'admins' is not a bootstrap group")]
    [InlineData(new[] { "token", "create", "--usages", "signing,everything" }, "kagent: --usages: 'everything' is not a usage")]
    public async Task Bad_join_and_token_input_is_one_clear_line_and_exit_code_2(string[] arguments, string expected)
    {
        var result = await KagentProcess.RunAsync(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.StandardError.Trim());
        Assert.Single(result.StandardError.Trim().Split('\n'));
    }

    [Fact]
    public async Task Version_is_printed()
    {
        var result = await KagentProcess.RunAsync(["--version"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.StandardOutput.Trim());
    }

    private static string WriteTemp(string name, string content)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kagent-cli-tests");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Docs_flags_md_is_the_reference_the_code_generates()
    {
        var committed = File.ReadAllText(Path.Combine(Kagent.Testing.Servers.RepositoryRoot.Find(), "docs/flags.md"));
        Assert.True(committed == FlagsReference.Render(KagentCli.Build()), "docs/flags.md is stale; run: dotnet run --project src/Kagent -- generate docs");
    }
}
