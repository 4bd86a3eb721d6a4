using k8s;
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
    [InlineData("config/default-cert-manager", "karmada")]
    [InlineData("config/samples", "karmada")]
    [InlineData("config/crd/karmada", "member1")]
    [InlineData("config/agent", "member1")]
    public async Task Kustomization_passes_server_side_dry_run(string kustomization, string cluster)
    {
        var target = cluster == "karmada" ? (TestCluster)fleet.ControlPlane : fleet.Fleet.Member(cluster);
        await target.EnsureNamespaceAsync("kagent-system");
        if (kustomization.Contains("cert-manager")) await CertManagerCrds.InstallAsync(target.Admin);
        var root = RepositoryRoot.Find();

        var rendered = await KubectlAsync(["kustomize", Path.Combine(root, kustomization)]);
        Assert.True(rendered.ExitCode == 0, rendered.Output);

        var applied = await KubectlAsync(["--kubeconfig", target.AdminKubeconfigPath, "apply", "--dry-run=server", "-f", "-"], stdin: await ForServerAsync(target, rendered.Output));
        Assert.True(applied.ExitCode == 0, $"kubectl apply --dry-run=server -k {kustomization} failed:\n{applied.Output}");
        Assert.Contains("(server dry run)", applied.Output);
    }

    /// <summary>
    /// PodDisruptionBudgets are policy/v1 (current clusters no longer serve v1beta1); the test servers are 1.20,
    /// which serve the same fields as policy/v1beta1 only, so the dry run checks them under that version there.
    /// </summary>
    private static async Task<string> ForServerAsync(TestCluster target, string manifests)
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

/// <summary>cert-manager's Certificate and Issuer kinds, schema-less: enough for a server-side dry run of manifests that use them.</summary>
internal static class CertManagerCrds
{
    public static async Task InstallAsync(k8s.IKubernetes client)
    {
        var crds = new[] { ("certificates", "Certificate"), ("issuers", "Issuer") }.Select(r => new k8s.Models.V1CustomResourceDefinition
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = $"{r.Item1}.cert-manager.io" },
            Spec = new k8s.Models.V1CustomResourceDefinitionSpec
            {
                Group = "cert-manager.io",
                Scope = "Namespaced",
                Names = new k8s.Models.V1CustomResourceDefinitionNames { Plural = r.Item1, Kind = r.Item2 },
                Versions =
                [
                    new k8s.Models.V1CustomResourceDefinitionVersion
                    {
                        Name = "v1", Served = true, Storage = true,
                        Schema = new k8s.Models.V1CustomResourceValidation
                        {
                            OpenAPIV3Schema = new k8s.Models.V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true },
                        },
                    },
                ],
            },
        });
        foreach (var crd in crds)
        {
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
            }
        }

        await Eventually.TrueAsync(async () =>
        {
            foreach (var name in new[] { "certificates.cert-manager.io", "issuers.cert-manager.io" })
            {
                var crd = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name);
                if (crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") != true) return false;
            }

            return true;
        }, TimeSpan.FromSeconds(30), "cert-manager CRDs served");
    }
}
