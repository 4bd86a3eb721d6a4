namespace Kagent.Configuration;

/// <summary>Invalid configuration, reported as one line naming the flag; the process exits with code 2.</summary>
public sealed class ConfigurationException(string flag, string problem) : Exception($"{flag}: {problem}")
{
    public string Flag { get; } = flag;
}
