using System.Globalization;
using System.Text.RegularExpressions;

namespace Kagent.Configuration;

/// <summary>Durations as Go and karmada-agent's flags write them: "10s", "1m30s", "500ms", "2h".</summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns))+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)")]
    private static partial Regex Part();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text == "0")
        {
            return true;
        }

        if (!Whole().IsMatch(text)) return false;
        double ticks = 0;
        foreach (Match match in Part().Matches(text))
        {
            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += match.Groups[2].Value switch
            {
                "h" => number * TimeSpan.TicksPerHour,
                "m" => number * TimeSpan.TicksPerMinute,
                "s" => number * TimeSpan.TicksPerSecond,
                "ms" => number * TimeSpan.TicksPerMillisecond,
                "us" or "µs" => number * 10,
                _ => number / 100,
            };
        }

        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        if (value.Ticks % TimeSpan.TicksPerSecond != 0) return $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
        var parts = new List<string>();
        if (value.Hours + value.Days * 24 > 0) parts.Add($"{(int)value.TotalHours}h");
        if (value.Minutes > 0) parts.Add($"{value.Minutes}m");
        if (value.Seconds > 0) parts.Add($"{value.Seconds}s");
        return string.Concat(parts);
    }
}
