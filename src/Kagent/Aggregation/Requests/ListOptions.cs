using System.Text;

namespace Kagent.Aggregation.Requests;

/// <summary>The query parameters of a list, watch or get, validated; FormatException says which one is wrong.</summary>
public sealed record ListOptions(
    LabelSelector Labels,
    NameSelector Names,
    int Limit,
    string? ContinueAfter,
    long? ResourceVersion,
    bool Watch,
    bool AllowBookmarks,
    TimeSpan? Timeout,
    IncludeObject IncludeObject)
{
    private const string ContinuePrefix = "kagent/v1:";

    /// <summary>Whether an object is selected by the field (name) and label selectors.</summary>
    public bool Selects(k8s.Models.V1ObjectMeta metadata) => Names.Matches(metadata.Name) && Labels.Matches(metadata.Labels);

    public static ListOptions Parse(IQueryCollection query)
    {
        return new ListOptions(
            Field(query, "labelSelector", LabelSelector.Parse),
            Field(query, "fieldSelector", NameSelector.Parse),
            Field(query, "limit", v => string.IsNullOrEmpty(v) ? 0 : int.TryParse(v, out var n) && n >= 0 ? n : throw new FormatException($"limit must be a non-negative integer, not \"{v}\"")),
            Field(query, "continue", DecodeContinue),
            Field(query, "resourceVersion", ParseResourceVersion),
            Field(query, "watch", v => Boolean("watch", v)),
            Field(query, "allowWatchBookmarks", v => Boolean("allowWatchBookmarks", v)),
            Field<TimeSpan?>(query, "timeoutSeconds", v => string.IsNullOrEmpty(v) ? null : int.TryParse(v, out var s) && s >= 0 ? TimeSpan.FromSeconds(s) : throw new FormatException($"timeoutSeconds must be a non-negative integer, not \"{v}\"")),
            Field(query, "includeObject", v => string.IsNullOrEmpty(v) ? IncludeObject.Metadata : Enum.TryParse<IncludeObject>(v, ignoreCase: false, out var i) ? i : throw new FormatException($"includeObject must be None, Metadata or Object, not \"{v}\"")));
    }

    public static string EncodeContinue(string lastName) => Convert.ToBase64String(Encoding.UTF8.GetBytes(ContinuePrefix + lastName)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeContinue(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            if (text.StartsWith(ContinuePrefix, StringComparison.Ordinal)) return text[ContinuePrefix.Length..];
        }
        catch (FormatException)
        {
        }

        throw new FormatException("continue key is not valid: it must be the metadata.continue of an earlier answer");
    }

    /// <summary>Empty and "0" mean "any version" (null); anything else must be a version this server wrote.</summary>
    private static long? ParseResourceVersion(string? value) =>
        string.IsNullOrEmpty(value) || value == "0" ? null
        : long.TryParse(value, out var version) && version > 0 ? version
        : throw new FormatException($"resourceVersion \"{value}\" is not valid: it must be empty, \"0\" or the resourceVersion of an earlier answer");

    private static bool Boolean(string name, string? value) => value switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw new FormatException($"{name} must be true or false, not \"{value}\""),
    };

    private static T Field<T>(IQueryCollection query, string name, Func<string?, T> parse)
    {
        var values = query[name];
        if (values.Count > 1) throw new FormatException($"{name} may be given once");
        return parse(values.Count == 0 ? null : values[0]);
    }
}
