using System.Text.RegularExpressions;

namespace Kagent.Testing.Metrics;

/// <summary>The metric names a PromQL expression reads (enough PromQL for dashboards and alert rules).</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
    [
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset",
        "inf", "nan", "Inf", "NaN",
    ];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = Quoted().Replace(expression, "\"\"");
        text = Braces().Replace(text, "");
        text = Brackets().Replace(text, "");
        text = Grouping().Replace(text, "");
        text = Variable().Replace(text, "");
        var names = new HashSet<string>();
        foreach (Match m in Identifier().Matches(text))
        {
            var name = m.Value;
            var next = text[(m.Index + m.Length)..].TrimStart();
            if (next.StartsWith('(') || Keywords.Contains(name)) continue;
            names.Add(name);
        }

        return names;
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();
}
