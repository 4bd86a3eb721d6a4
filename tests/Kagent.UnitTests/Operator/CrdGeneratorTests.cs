using Kagent.Cli;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.UnitTests.Operator;

public sealed class CrdGeneratorTests
{
    [Fact]
    public void Committed_crds_and_webhook_configuration_match_the_code()
    {
        var root = RepositoryRoot.Find();
        var stale = new List<string>();
        foreach (var (folder, file) in GenerateCommand.Files(Path.Combine(root, "config/crd/bases"), Path.Combine(root, "config/crd/karmada"), Path.Combine(root, "config/crd/cluster-inventory"), Path.Combine(root, "config/webhook")))
        {
            var path = Path.Combine(folder, file.Name);
            if (!File.Exists(path) || File.ReadAllText(path) != file.Yaml) stale.Add(Path.GetRelativePath(root, path));
        }

        Assert.True(stale.Count == 0, $"stale CRDs: {string.Join(", ", stale)}; run: dotnet run --project src/Kagent -- generate manifests");
    }

    [Fact]
    public void Cluster_crd_has_status_subresource_and_printer_columns()
    {
        var crd = Kagent.Operator.Crds.CrdGenerator.Generate<Kagent.Api.Karmada.Cluster>();
        var version = Assert.Single(crd.Spec.Versions);
        Assert.Equal("clusters.cluster.karmada.io", crd.Metadata.Name);
        Assert.Equal("Cluster", crd.Spec.Scope);
        Assert.NotNull(version.Subresources?.Status);
        Assert.Contains(version.AdditionalPrinterColumns, c => c.Name == "READY");
        var spec = version.Schema.OpenAPIV3Schema.Properties["spec"];
        Assert.Contains("syncMode", spec.Required);
        Assert.Equal(["Push", "Pull"], spec.Properties["syncMode"].EnumProperty.Cast<string>());
        Assert.True(spec.Properties["resourceModels"].Items is k8s.Models.V1JSONSchemaProps { } items
                    && items.Properties["ranges"].Items is k8s.Models.V1JSONSchemaProps ranges
                    && ranges.Properties["min"].XKubernetesIntOrString == true);
    }
}
