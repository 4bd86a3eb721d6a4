using System.CommandLine;
using Kagent.Agent;
using Kagent.Configuration;
using Kagent.Hub;

namespace Kagent.Cli;

/// <summary>The `kagent` command line: one executable, two roles.</summary>
public static class KagentCli
{
    public static RootCommand Build(
        Func<AgentOptions, CancellationToken, Task<int>>? runAgent = null,
        Func<HubOptions, CancellationToken, Task<int>>? runHub = null)
    {
        var root = new RootCommand("Kagent: a Kubernetes agent and extension API server for Karmada multi-cluster fleets.");
        root.Add(new AgentCommand().Build(runAgent ?? AgentRole.RunAsync));
        root.Add(new HubCommand().Build(runHub ?? HubRole.RunAsync));
        root.Add(TokenCommand.Build());
        root.Add(JoinCommand.Build());
        root.Add(GenerateCommand.Build());
        return root;
    }

    /// <summary>
    /// "--flag=" is an empty value, as Go's flag package (and karmada-agent) reads it; System.CommandLine would see
    /// a missing one, so it is passed as "--flag" "".
    /// </summary>
    private static string[] SplitEmptyValues(string[] args) =>
        [.. args.SelectMany(a => a.StartsWith("--", StringComparison.Ordinal) && a.EndsWith('=') && a.IndexOf('=') == a.Length - 1 ? [a[..^1], ""] : new[] { a })];

    public static async Task<int> InvokeAsync(string[] args, RootCommand? root = null)
    {
        root ??= Build();
        var result = root.Parse(SplitEmptyValues(args));
        if (result.Errors.Count > 0)
        {
            var command = result.CommandResult.Command == root ? "kagent" : $"kagent {result.CommandResult.Command.Name}";
            var message = string.Join(' ', result.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await Console.Error.WriteLineAsync($"kagent: {message} (see '{command} --help')");
            return CommandRunner.ExitConfigurationError;
        }

        return await result.InvokeAsync();
    }
}
