using System.Text.RegularExpressions;

namespace Kagent.Validation;

/// <summary>Kubernetes' rules for names, label keys and values, taints and URLs; each check says what is wrong, or null.</summary>
public static partial class KubeNames
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    public static readonly IReadOnlySet<string> TaintEffects = new HashSet<string> { "NoSchedule", "PreferNoSchedule", "NoExecute" };

    /// <summary>A DNS-1123 label of at most <paramref name="maxLength"/> characters, or why not.</summary>
    public static string? Dns1123LabelProblem(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value)) return "must not be empty";
        if (value.Length > maxLength) return $"'{value}' is longer than {maxLength} characters";
        if (!Dns1123Label().IsMatch(value)) return $"'{value}' is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)";
        return null;
    }

    public static string? LabelKeyProblem(string? key) =>
        string.IsNullOrEmpty(key) || key.Length > 317 || !QualifiedName().IsMatch(key) || key.Split('/')[^1].Length > 63
            ? $"'{key}' is not a valid label key ([prefix/]name, name of at most 63 characters)"
            : null;

    public static string? LabelValueProblem(string? value) =>
        value is null || value.Length > 63 || !LabelValue().IsMatch(value) ? $"'{value}' is not a valid label value (at most 63 letters, digits, '-', '_' or '.')" : null;

    public static string? TaintProblem(string? key, string? value, string? effect) =>
        LabelKeyProblem(key)
        ?? (string.IsNullOrEmpty(value) ? null : LabelValueProblem(value))
        ?? (effect is not null && TaintEffects.Contains(effect) ? null : $"effect '{effect}' of taint '{key}' is not NoSchedule, PreferNoSchedule or NoExecute");

    public static string? HttpsUrlProblem(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(uri.Host)
            ? null
            : $"'{text}' is not an absolute https URL";

    public static string? ProxyUrlProblem(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "socks5" && !string.IsNullOrEmpty(uri.Host)
            ? null
            : $"'{text}' is not an absolute http, https or socks5 URL";
}
