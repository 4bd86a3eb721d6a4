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

    /// <summary>
    /// The kubeconfig with the client certificate and key of <paramref name="context"/>'s user (or the current
    /// context's) replaced by inline ones; everything else as it was.
    /// </summary>
    public static string WithClientCertificate(string yaml, string? context, string certificatePem, string keyPem)
    {
        var config = Parse(yaml) ?? throw new FormatException("the kubeconfig is empty");
        var contextName = string.IsNullOrEmpty(context) ? config.CurrentContext : context;
        var userName = config.Contexts?.FirstOrDefault(c => c.Name == contextName)?.ContextDetails?.User
                       ?? throw new FormatException($"the kubeconfig has no context '{contextName}'");
        var user = config.Users?.FirstOrDefault(u => u.Name == userName)?.UserCredentials
                   ?? throw new FormatException($"the kubeconfig has no user '{userName}'");
        user.ClientCertificateData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(certificatePem));
        user.ClientKeyData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(keyPem));
        user.ClientCertificate = null;
        user.ClientKey = null;
        return Serialize(config);
    }

    /// <summary>
    /// A kubeconfig of one cluster, one user with an inline client certificate and one context "&lt;user&gt;@&lt;cluster&gt;",
    /// its current context (the layout karmadactl register writes for an agent).
    /// </summary>
    public static string ForClientCertificate(string clusterName, string server, string caPem, string userName, string certificatePem, string keyPem)
    {
        static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pem));
        var context = $"{userName}@{clusterName}";
        return Serialize(new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            Clusters = [new Cluster { Name = clusterName, ClusterEndpoint = new ClusterEndpoint { Server = server, CertificateAuthorityData = B64(caPem) } }],
            Users = [new User { Name = userName, UserCredentials = new UserCredentials { ClientCertificateData = B64(certificatePem), ClientKeyData = B64(keyPem) } }],
            Contexts = [new Context { Name = context, ContextDetails = new ContextDetails { Cluster = clusterName, User = userName } }],
            CurrentContext = context,
        });
    }

    private static string Serialize(K8SConfiguration config) =>
        new SerializerBuilder().ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections).Build().Serialize(config);

    /// <summary>The client configuration of kubeconfig text (inline credentials; file references resolve against <paramref name="folder"/>).</summary>
    public static KubernetesClientConfiguration FromText(string yaml, string? context, string folder)
    {
        var config = Parse(yaml) ?? throw new FormatException("the kubeconfig is empty");
        config.FileName = Path.Combine(folder, "kubeconfig");
        return KubernetesClientConfiguration.BuildConfigFromConfigObject(config, context);
    }
}
