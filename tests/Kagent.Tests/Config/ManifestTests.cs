using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Config;

/// <summary>Every kustomization under config/ renders, and the real API servers accept it (server-side dry run).</summary>
[Collection(FleetCollection.Name)]
public sealed class ManifestTests(FleetFixture fleet)
{
    [Theory]
    [InlineData("config/default", "karmada")]
    [InlineData("config/samples", "karmada")]
    [InlineData("config/crd/karmada", "member1")]
    [InlineData("config/agent", "member1")]
    public async Task Kustomization_passes_server_side_dry_run(string kustomization, string cluster)
    {
        var target = cluster == "karmada" ? (TestCluster)fleet.ControlPlane : fleet.Fleet.Member(cluster);
        await target.EnsureNamespaceAsync("kagent-system");
        var root = RepositoryRoot.Find();

        var rendered = await KubectlAsync(["kustomize", Path.Combine(root, kustomization)]);
        Assert.True(rendered.ExitCode == 0, rendered.Output);

        var applied = await KubectlAsync(["--kubeconfig", target.AdminKubeconfigPath, "apply", "--dry-run=server", "-f", "-"], stdin: rendered.Output);
        Assert.True(applied.ExitCode == 0, $"kubectl apply --dry-run=server -k {kustomization} failed:\n{applied.Output}");
        Assert.Contains("(server dry run)", applied.Output);
    }

    private static async Task<(int ExitCode, string Output)> KubectlAsync(string[] arguments, string? stdin = null)
    {
        var result = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, arguments, TimeSpan.FromSeconds(60), standardInput: stdin);
        var errors = string.Join('\n', result.StandardError.Split('\n').Where(l => !l.StartsWith("Warning: version difference")));
        return (result.ExitCode, result.StandardOutput + errors);
    }
}
