using System.Text.RegularExpressions;

namespace Kagent.Aggregation.Requests;

/// <summary>
/// A Kubernetes label selector in its query-string form: <c>key</c>, <c>!key</c>, <c>key=value</c>, <c>key==value</c>,
/// <c>key!=value</c>, <c>key in (a,b)</c>, <c>key notin (a,b)</c>, <c>key&gt;n</c>, <c>key&lt;n</c>, joined by commas.
/// </summary>
public sealed partial class LabelSelector
{
    private enum Operator { Exists, DoesNotExist, Equals, NotEquals, In, NotIn, GreaterThan, LessThan }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values);

    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public bool IsEverything => _requirements.Count == 0;

    /// <summary>Parses a selector, or throws FormatException with a message that says what is wrong.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        return new LabelSelector(SplitTopLevel(text).Select(ParseRequirement).ToList());
    }

    public bool Matches(IDictionary<string, string>? labels)
    {
        foreach (var requirement in _requirements)
        {
            string? value = null;
            var has = labels is not null && labels.TryGetValue(requirement.Key, out value);
            var ok = requirement.Op switch
            {
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.Equals or Operator.In => has && requirement.Values.Contains(value),
                Operator.NotEquals or Operator.NotIn => !has || !requirement.Values.Contains(value),
                Operator.GreaterThan => has && long.TryParse(value, out var g) && g > long.Parse(requirement.Values[0]),
                Operator.LessThan => has && long.TryParse(value, out var l) && l < long.Parse(requirement.Values[0]),
                _ => false,
            };
            if (!ok) return false;
        }

        return true;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0) throw new FormatException("found an empty requirement in the label selector");
        if (text.StartsWith('!')) return new Requirement(Key(text[1..].Trim()), Operator.DoesNotExist, []);

        var set = SetRequirement().Match(text);
        if (set.Success)
        {
            var values = set.Groups["values"].Value.Split(',').Select(v => Value(v.Trim())).ToList();
            return new Requirement(Key(set.Groups["key"].Value), set.Groups["op"].Value == "in" ? Operator.In : Operator.NotIn, values);
        }

        foreach (var (token, op) in new[] { ("==", Operator.Equals), ("!=", Operator.NotEquals), ("=", Operator.Equals), (">", Operator.GreaterThan), ("<", Operator.LessThan) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at < 0) continue;
            var key = Key(text[..at].Trim());
            var value = Value(text[(at + token.Length)..].Trim());
            if (op is Operator.GreaterThan or Operator.LessThan && !long.TryParse(value, out _))
                throw new FormatException($"label selector {raw.Trim()}: for '{token}', the value must be an integer");
            return new Requirement(key, op, [value]);
        }

        return new Requirement(Key(text), Operator.Exists, []);
    }

    private static string Key(string key)
    {
        if (!LabelKey().IsMatch(key)) throw new FormatException($"label selector: invalid label key \"{key}\": a qualified name such as example.com/my-name");
        return key;
    }

    private static string Value(string value)
    {
        if (value.Length > 63 || !LabelValue().IsMatch(value))
            throw new FormatException($"label selector: invalid label value \"{value}\": at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
        return value;
    }

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$")]
    private static partial Regex SetRequirement();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValue();
}
