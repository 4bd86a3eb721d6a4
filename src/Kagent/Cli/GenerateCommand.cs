using System.CommandLine;
using k8s;
using Kagent.Api;
using Kagent.Operator.Crds;
using Kagent.Operator.Entities;

namespace Kagent.Cli;

/// <summary>`kagent generate manifests`: writes what config/ holds that comes from the code: CRDs and the webhook configuration.</summary>
internal static class GenerateCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--output") { Description = "Folder of the kagent.io CRDs.", DefaultValueFactory = _ => "config/crd/bases" };
        var karmadaOutput = new Option<string>("--karmada-output")
        {
            Description = "Folder of Karmada's Cluster, Work and ResourceInterpreterCustomization as CRDs (for stand-in control planes, such as the local fleet).",
            DefaultValueFactory = _ => "config/crd/karmada",
        };
        var inventoryOutput = new Option<string>("--cluster-inventory-output")
        {
            Description = "Folder of SIG-Multicluster's ClusterProfile CRD, which the hub publishes.",
            DefaultValueFactory = _ => "config/crd/cluster-inventory",
        };
        var webhookOutput = new Option<string>("--webhook-output") { Description = "Folder of the ValidatingWebhookConfiguration.", DefaultValueFactory = _ => "config/webhook" };
        var crds = new Command("manifests", "Write the CRDs generated from Kagent's C# types and the onboarding webhook configuration.") { output, karmadaOutput, inventoryOutput, webhookOutput };
        crds.SetAction(result =>
        {
            foreach (var (folder, file) in Files(FromRoot(result.GetValue(output)!), FromRoot(result.GetValue(karmadaOutput)!),
                         FromRoot(result.GetValue(inventoryOutput)!), FromRoot(result.GetValue(webhookOutput)!)))
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, file.Name), file.Yaml);
                Console.WriteLine(Path.Combine(folder, file.Name));
            }

            return 0;
        });
        var docsOutput = new Option<string>("--output") { Description = "Path of the flags reference.", DefaultValueFactory = _ => "docs/flags.md" };
        var docs = new Command("docs", "Write docs/flags.md, the flags reference of every command, from the code.") { docsOutput };
        docs.SetAction(result =>
        {
            var path = FromRoot(result.GetValue(docsOutput)!);
            File.WriteAllText(path, FlagsReference.Render(KagentCli.Build()));
            Console.WriteLine(path);
            return 0;
        });
        return new Command("generate", "Generate manifests and documentation from the code.") { crds, docs };
    }

    public sealed record CrdFile(string Name, string Yaml);

    /// <summary>
    /// A relative path from the repository's root (the folder with Kagent.sln above the working directory), since
    /// `dotnet run --project src/Kagent` runs in the project's folder; else from the working directory.
    /// </summary>
    private static string FromRoot(string path)
    {
        if (Path.IsPathRooted(path)) return path;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kagent.sln"))) return Path.Combine(dir.FullName, path);
        }

        return Path.GetFullPath(path);
    }

    /// <summary>Every generated CRD file and the folder it belongs in.</summary>
    public static IEnumerable<(string Folder, CrdFile File)> Files(string kagentFolder, string karmadaFolder, string inventoryFolder, string webhookFolder) =>
        ApiTypes.KagentCrds.Select(t => (kagentFolder, Render(t)))
            .Concat(ApiTypes.KarmadaCrds.Select(t => (karmadaFolder, Render(t))))
            .Concat(ApiTypes.ClusterInventoryCrds.Select(t => (inventoryFolder, Render(t))))
            .Append((webhookFolder, new CrdFile("manifests.yaml", KubernetesYaml.Serialize(
                Onboarding.WebhookConfigurations.Onboarding(Onboarding.WebhookConfigurations.ViaService("kagent-system", "kagent-hub")))
                .TrimEnd() + "\n")));

    public static CrdFile Render(Type entityType)
    {
        var entity = EntityMetadata.For(entityType);
        return new CrdFile($"{entity.Group}_{entity.Plural}.yaml", CrdGenerator.ToYaml(CrdGenerator.Generate(entityType)));
    }
}
