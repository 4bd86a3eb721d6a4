using System.Diagnostics;

namespace Kagent.Testing.Servers;

/// <summary>Where etcd and kube-apiserver live: $KAGENT_ENVTEST_BIN, or whatever hack/envtest.sh prints.</summary>
public sealed record EnvtestBinaries(string Directory)
{
    private static readonly Lazy<EnvtestBinaries> Located = new(Locate);

    public string Etcd => Path.Combine(Directory, "etcd");

    public string KubeApiServer => Path.Combine(Directory, "kube-apiserver");

    public string KubeControllerManager => Path.Combine(Directory, "kube-controller-manager");

    public string Kubectl => Path.Combine(Directory, "kubectl");

    public static EnvtestBinaries Default => Located.Value;

    private static EnvtestBinaries Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KAGENT_ENVTEST_BIN");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Checked(fromEnvironment);

        var script = Path.Combine(RepositoryRoot.Find(), "hack", "envtest.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not run hack/envtest.sh");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"hack/envtest.sh failed with exit code {process.ExitCode}");
        return Checked(output.Trim().Split('\n')[^1]);
    }

    private static EnvtestBinaries Checked(string directory)
    {
        var binaries = new EnvtestBinaries(directory);
        foreach (var path in new[] { binaries.Etcd, binaries.KubeApiServer })
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run hack/envtest.sh", path);
        }

        return binaries;
    }
}

public static class RepositoryRoot
{
    /// <summary>The folder holding Kagent.sln, found by walking up from the running assembly.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kagent.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException("Kagent.sln not found above " + AppContext.BaseDirectory);
    }
}
