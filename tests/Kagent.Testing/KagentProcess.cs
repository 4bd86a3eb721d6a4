using System.Diagnostics;
using Kagent.Testing.Servers;

namespace Kagent.Testing;

/// <summary>Runs the real kagent executable (kagent.dll beside the tests) as a child process.</summary>
public static class KagentProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "kagent.dll");

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs kagent to completion and captures its output.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kagent {string.Join(' ', arguments)} did not exit within {timeout}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kagent (agent or hub); its output goes to the log file.</summary>
    public static ServerProcess Start(string name, IEnumerable<string> arguments, string logPath) =>
        ServerProcess.Start(name, "dotnet", [Dll, .. arguments], logPath);
}
