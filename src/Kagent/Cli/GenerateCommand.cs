using System.CommandLine;
using Kagent.Api;
using Kagent.Operator.Crds;
using Kagent.Operator.Entities;

namespace Kagent.Cli;

/// <summary>`kagent generate crds`: writes the CRDs generated from the C# types, as committed under config/crd.</summary>
internal static class GenerateCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--output") { Description = "Folder of the kagent.io CRDs.", DefaultValueFactory = _ => "config/crd/bases" };
        var karmadaOutput = new Option<string>("--karmada-output")
        {
            Description = "Folder of Karmada's Cluster as a CRD (for control planes without karmada-aggregated-apiserver, such as the local fleet).",
            DefaultValueFactory = _ => "config/crd/karmada",
        };
        var crds = new Command("crds", "Write the CRDs generated from Kagent's C# types.") { output, karmadaOutput };
        crds.SetAction(result =>
        {
            foreach (var (folder, file) in Files(result.GetValue(output)!, result.GetValue(karmadaOutput)!))
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, file.Name), file.Yaml);
                Console.WriteLine(Path.Combine(folder, file.Name));
            }

            return 0;
        });
        return new Command("generate", "Generate manifests from the code.") { crds };
    }

    public sealed record CrdFile(string Name, string Yaml);

    /// <summary>Every generated CRD file and the folder it belongs in.</summary>
    public static IEnumerable<(string Folder, CrdFile File)> Files(string kagentFolder, string karmadaFolder) =>
        ApiTypes.KagentCrds.Select(t => (kagentFolder, Render(t)))
            .Concat(ApiTypes.KarmadaCrds.Select(t => (karmadaFolder, Render(t))));

    public static CrdFile Render(Type entityType)
    {
        var entity = EntityMetadata.For(entityType);
        return new CrdFile($"{entity.Group}_{entity.Plural}.yaml", CrdGenerator.ToYaml(CrdGenerator.Generate(entityType)));
    }
}
