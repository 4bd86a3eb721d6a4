using Kagent.Configuration;

namespace Kagent.Cli;

internal static class CommandRunner
{
    public const int ExitConfigurationError = 2;

    /// <summary>Binds the options, then runs; invalid configuration is one line on stderr and exit code 2.</summary>
    public static async Task<int> RunAsync<TOptions>(Func<TOptions> bind, Func<TOptions, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        try
        {
            return await run(bind(), cancellationToken);
        }
        catch (ConfigurationException e)
        {
            await Console.Error.WriteLineAsync($"kagent: {e.Message}");
            return ExitConfigurationError;
        }
    }
}
