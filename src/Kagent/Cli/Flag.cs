using System.CommandLine;
using Kagent.Configuration;

namespace Kagent.Cli;

internal static class Flag
{
    public static Option<T> Of<T>(string name, T defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    /// <summary>A duration flag (Go's syntax, as karmada-agent's); its default comes from the options class.</summary>
    public static Option<string> Of(string name, TimeSpan defaultValue, string description) => Of(name, GoDuration.Format(defaultValue), description);

    public static string Required(Option<string> option, ParseResult result)
    {
        var value = result.GetValue(option);
        if (string.IsNullOrWhiteSpace(value)) throw new ConfigurationException(option.Name, "is required");
        return value.Trim();
    }

    public static string? Optional(Option<string> option, ParseResult result) =>
        result.GetValue(option) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static ClientLimits Limits(Option<float> qps, Option<int> burst, ParseResult result)
    {
        var q = result.GetValue(qps);
        var b = result.GetValue(burst);
        if (q <= 0) throw new ConfigurationException(qps.Name, "must be greater than 0");
        if (b < 1) throw new ConfigurationException(burst.Name, "must be at least 1");
        return new ClientLimits(q, b);
    }
}
