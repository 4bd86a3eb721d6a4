using System.Diagnostics;

namespace Kagent.Testing.Servers;

/// <summary>
/// A child process whose output goes to a log file. Owned processes are killed on dispose; detached ones
/// (the local fleet) run in their own session and outlive this process.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string name, string logPath)
    {
        _process = process;
        Name = name;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="executable"/>; <paramref name="environment"/> is set on top of this process's own.</summary>
    public static ServerProcess Start(string name, string executable, IEnumerable<string> arguments, string logPath, bool detached = false,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        // bash redirects output to the log file, so that nothing depends on this process draining pipes
        // and detached servers keep logging after it exits.
        var start = new ProcessStartInfo(detached ? "setsid" : "bash")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        if (detached) start.ArgumentList.Add("bash");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$KAGENT_LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add(executable);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        start.Environment["KAGENT_LOG"] = logPath;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        return new ServerProcess(process, name, logPath);
    }

    public string LogTail(int lines = 30)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Stops the process (SIGTERM, then SIGKILL after the grace period) and waits for it.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        Signal("TERM");
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Signal(string signal)
    {
        try
        {
            using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
            kill?.WaitForExit(2000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Kill();
        }
    }
}
