using Kagent.Testing.Servers;

namespace Kagent.Testing;

/// <summary>Runs the real kagent executable (kagent.dll beside the tests) as a child process.</summary>
public static class KagentProcess
{
    /// <summary>$KAGENT_DLL (such as a ReadyToRun publish, for benchmarks), else the build beside the tests.</summary>
    public static string Dll => Environment.GetEnvironmentVariable("KAGENT_DLL") is { Length: > 0 } dll ? dll : Path.Combine(AppContext.BaseDirectory, "kagent.dll");

    /// <summary>Runs kagent to completion and captures its output; $KUBECONFIG is not passed on.</summary>
    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. arguments], timeout ?? TimeSpan.FromSeconds(60), new Dictionary<string, string?> { ["KUBECONFIG"] = null });

    /// <summary>Starts a long-running kagent (agent or hub); its output goes to the log file.</summary>
    public static ServerProcess Start(string name, IEnumerable<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment = null) =>
        ServerProcess.Start(name, "dotnet", [Dll, .. arguments], logPath, environment: environment);
}
