
namespace Kagent.Aggregation.Requests;

/// <summary>What a Table row carries besides its cells (the includeObject query parameter).</summary>
public enum IncludeObject { None, Metadata, Object }

/// <summary>A fieldSelector over the one field a ClusterHealth can be selected by: metadata.name.</summary>
public sealed record NameSelector(IReadOnlyList<string> Equal, IReadOnlyList<string> NotEqual)
{
    public static NameSelector Everything { get; } = new([], []);

    /// <summary>The single name the selector asks for, if it asks for exactly one (kubectl get NAME -w does).</summary>
    public string? Single => Equal.Distinct().Count() == 1 ? Equal[0] : null;

    public bool Matches(string name) => Equal.All(n => n == name) && !NotEqual.Contains(name);

    public static NameSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Everything;
        var equal = new List<string>();
        var notEqual = new List<string>();
        foreach (var term in text.Split(','))
        {
            var (op, at) = term.IndexOf("!=", StringComparison.Ordinal) is >= 0 and var ne ? ("!=", ne)
                : term.IndexOf("==", StringComparison.Ordinal) is >= 0 and var ee ? ("==", ee)
                : ("=", term.IndexOf('='));
            if (at < 0) throw new FormatException($"invalid field selector \"{term}\": expected field=value, field==value or field!=value");
            var field = term[..at].Trim();
            var value = term[(at + op.Length)..].Trim();
            if (field != "metadata.name") throw new FormatException($"field label not supported: {field} (clusterhealths can be selected by metadata.name only)");
            (op == "!=" ? notEqual : equal).Add(value);
        }

        return new NameSelector(equal, notEqual);
    }
}
