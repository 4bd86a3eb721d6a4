using k8s;
using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

namespace Kagent.Operator.Client;

/// <summary>
/// Reads a kubeconfig file into a client configuration. KubernetesClient's own reader goes through KubernetesYaml,
/// whose first use reflects over every model type in the library and keeps YAML mappings for all of them, memory
/// that stays for the life of the process (5 MiB of the agent's, docs/benchmarks.md). The kubeconfig types carry
/// their own YAML names, so a plain deserializer reads them.
/// </summary>
public static class KubeconfigFile
{
    /// <summary>Builds the configuration of <paramref name="context"/> (or the current context); relative file paths resolve against the kubeconfig's folder, as kubectl resolves them.</summary>
    public static KubernetesClientConfiguration Load(string path, string? context = null)
    {
        var config = Parse(File.ReadAllText(path)) ?? throw new FormatException("the file is empty");
        config.FileName = Path.GetFullPath(path);
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, context);
    }

    public static K8SConfiguration? Parse(string yaml) =>
        new DeserializerBuilder().IgnoreUnmatchedProperties().Build().Deserialize<K8SConfiguration?>(yaml);
}
