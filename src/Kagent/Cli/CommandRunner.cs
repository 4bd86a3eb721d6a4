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

    /// <summary>As <see cref="RunAsync{TOptions}"/>, for commands of steps (token, join): a step that fails is one line too, and exit code 2.</summary>
    public static Task<int> RunStepsAsync<TOptions>(Func<TOptions> bind, Func<TOptions, CancellationToken, Task<int>> run, CancellationToken cancellationToken) =>
        RunAsync(bind, async (options, token) =>
        {
            try
            {
                return await run(options, token);
            }
            catch (Join.JoinFailedException e)
            {
                await Console.Error.WriteLineAsync($"kagent: {e.Message}");
                return ExitConfigurationError;
            }
        }, cancellationToken);
}
