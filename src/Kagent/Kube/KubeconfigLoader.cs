using k8s;
using k8s.Exceptions;
using Kagent.Configuration;
using Kagent.Operator.Client;

namespace Kagent.Kube;

/// <summary>Loads a kubeconfig (or in-cluster configuration), turning every failure into one line that names the flag.</summary>
public static class KubeconfigLoader
{
    /// <summary>The file the source reads: its path, else the first of $KUBECONFIG; null for in-cluster configuration.</summary>
    public static string? PathOf(KubeconfigSource source) => source.Path ?? FirstKubeconfigFromEnvironment();

    public static KubernetesClientConfiguration Load(KubeconfigSource source)
    {
        var path = PathOf(source);
        if (path is null)
        {
            if (KubernetesClientConfiguration.IsInCluster()) return KubernetesClientConfiguration.InClusterConfig();
            throw new ConfigurationException(source.Flag, "not set, $KUBECONFIG is empty and this is not running in a cluster; pass the path of a kubeconfig");
        }

        if (!File.Exists(path)) throw new ConfigurationException(source.Flag, $"{path}: no such file");
        try
        {
            var config = KubeconfigFile.Load(path, source.Context);
            if (string.IsNullOrEmpty(config.Host)) throw new ConfigurationException(source.Flag, $"{path}: the context names no server");
            return config;
        }
        catch (UnauthorizedAccessException)
        {
            throw new ConfigurationException(source.Flag, $"{path}: permission denied");
        }
        catch (KubeConfigException e) when (string.IsNullOrEmpty(source.Context) && e.Message.StartsWith("CurrentContext:  not found", StringComparison.Ordinal))
        {
            throw new ConfigurationException(source.Flag, $"{path}: has no current-context and no context was named; is it still the placeholder?");
        }
        catch (KubeConfigException e)
        {
            throw new ConfigurationException(source.Flag, $"{path}: {OneLine(e.Message)}");
        }
        catch (Exception e) when (e is not ConfigurationException and (IOException or FormatException or ArgumentException or InvalidOperationException
                                   or System.Security.Cryptography.CryptographicException or YamlDotNet.Core.YamlException or NullReferenceException))
        {
            throw new ConfigurationException(source.Flag, $"{path}: not a valid kubeconfig ({OneLine(e.Message)})");
        }
    }

    private static string? FirstKubeconfigFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("KUBECONFIG");
        return string.IsNullOrWhiteSpace(value) ? null : value.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)[0];
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
