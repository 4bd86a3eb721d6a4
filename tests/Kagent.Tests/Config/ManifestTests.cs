using k8s;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Config;

/// <summary>Every kustomization and manifest under config/ renders, and the real API servers accept it (server-side dry run).</summary>
[Collection(FleetCollection.Name)]
public sealed class ManifestTests(FleetFixture fleet)
{
    [Theory]
    [InlineData("config/default", "karmada")]
    [InlineData("config/default-cert-manager", "karmada")]
    [InlineData("config/karmada-apiserver", "karmada")]
    [InlineData("config/host", "member1")]
    [InlineData("config/prometheus/monitors.yaml", "karmada")]
    [InlineData("config/samples", "karmada")]
    [InlineData("config/samples/automation", "karmada")]
    [InlineData("config/crd/karmada", "member1")]
    [InlineData("config/agent", "member1")]
    [InlineData("config/agent-kubeconfig", "member1")]
    public async Task Kustomization_passes_server_side_dry_run(string kustomization, string cluster)
    {
        var target = cluster == "karmada" ? (TestCluster)fleet.ControlPlane : fleet.Fleet.Member(cluster);
        await target.EnsureNamespaceAsync("kagent-system");
        if (kustomization.Contains("cert-manager"))
            await ControlPlane.InstallCrdsAsync(target.Admin, ControlPlane.SchemalessCrds("cert-manager.io", "v1", ("certificates", "Certificate"), ("issuers", "Issuer")), CancellationToken.None);
        if (kustomization.Contains("prometheus"))
            await ControlPlane.InstallCrdsAsync(target.Admin, ControlPlane.SchemalessCrds("monitoring.coreos.com", "v1", ("servicemonitors", "ServiceMonitor"), ("podmonitors", "PodMonitor")), CancellationToken.None);
        var root = RepositoryRoot.Find();

        var path = Path.Combine(root, kustomization);
        var rendered = File.Exists(path) ? (ExitCode: 0, Output: await File.ReadAllTextAsync(path)) : await KubectlAsync(["kustomize", path]);
        Assert.True(rendered.ExitCode == 0, rendered.Output);

        var applied = await KubectlAsync(["--kubeconfig", target.AdminKubeconfigPath, "apply", "--dry-run=server", "-f", "-"], stdin: await ForServerAsync(target, rendered.Output));
        Assert.True(applied.ExitCode == 0, $"kubectl apply --dry-run=server of {kustomization} failed:\n{applied.Output}");
        Assert.Contains("(server dry run)", applied.Output);
    }

    /// <summary>
    /// PodDisruptionBudgets are policy/v1 (current clusters no longer serve v1beta1); the test servers are 1.20,
    /// which serve the same fields as policy/v1beta1 only, so the dry run checks them under that version there.
    /// </summary>
    internal static async Task<string> ForServerAsync(TestCluster target, string manifests)
    {
        var groups = await target.Admin.Apis.GetAPIVersionsAsync();
        var servesPolicyV1 = groups.Groups.Any(g => g.Name == "policy" && g.Versions.Any(v => v.Version == "v1"));
        return servesPolicyV1 ? manifests : manifests.Replace("apiVersion: policy/v1\nkind: PodDisruptionBudget", "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget");
    }

    private static async Task<(int ExitCode, string Output)> KubectlAsync(string[] arguments, string? stdin = null)
    {
        var result = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, arguments, TimeSpan.FromSeconds(60), standardInput: stdin);
        var errors = string.Join('\n', result.StandardError.Split('\n').Where(l => !l.StartsWith("Warning: version difference")));
        return (result.ExitCode, result.StandardOutput + errors);
    }
}
