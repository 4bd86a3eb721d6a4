using System.Text.RegularExpressions;
using k8s.Models;

namespace Kagent.Configuration;

/// <summary>Parsers for list-, map- and taint-valued flags, each naming its flag when it fails.</summary>
public static partial class FlagValues
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    public static readonly IReadOnlySet<string> TaintEffects = new HashSet<string> { "NoSchedule", "PreferNoSchedule", "NoExecute" };

    /// <summary>A DNS-1123 label of at most <paramref name="maxLength"/> characters, or why not.</summary>
    public static string? Dns1123LabelProblem(string value, int maxLength)
    {
        if (value.Length == 0) return "must not be empty";
        if (value.Length > maxLength) return $"'{value}' is longer than {maxLength} characters";
        if (!Dns1123Label().IsMatch(value)) return $"'{value}' is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)";
        return null;
    }

    public static string? LabelKeyProblem(string key) =>
        key.Length == 0 || key.Length > 317 || !QualifiedName().IsMatch(key) || key.Split('/')[^1].Length > 63
            ? $"'{key}' is not a valid label key ([prefix/]name, name of at most 63 characters)"
            : null;

    public static string? LabelValueProblem(string value) =>
        value.Length > 63 || !LabelValue().IsMatch(value) ? $"'{value}' is not a valid label value (at most 63 letters, digits, '-', '_' or '.')" : null;

    public static IReadOnlyList<string> ParseList(string flag, string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>"k1=v1,k2=v2".</summary>
    public static IReadOnlyDictionary<string, string> ParseLabels(string flag, string? text)
    {
        var labels = new Dictionary<string, string>();
        foreach (var item in ParseList(flag, text))
        {
            var equals = item.IndexOf('=');
            if (equals <= 0) throw new ConfigurationException(flag, $"'{item}' is not key=value");
            var key = item[..equals];
            var value = item[(equals + 1)..];
            var problem = LabelKeyProblem(key) ?? LabelValueProblem(value);
            if (problem is not null) throw new ConfigurationException(flag, problem);
            labels[key] = value;
        }

        return labels;
    }

    /// <summary>"key[=value]:Effect,..." as kubectl taint writes them.</summary>
    public static IReadOnlyList<V1Taint> ParseTaints(string flag, string? text)
    {
        var taints = new List<V1Taint>();
        foreach (var item in ParseList(flag, text))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0) throw new ConfigurationException(flag, $"'{item}' is not key[=value]:Effect");
            var effect = item[(colon + 1)..];
            if (!TaintEffects.Contains(effect))
                throw new ConfigurationException(flag, $"'{item}' has effect '{effect}'; use NoSchedule, PreferNoSchedule or NoExecute");
            var keyValue = item[..colon];
            var equals = keyValue.IndexOf('=');
            var key = equals < 0 ? keyValue : keyValue[..equals];
            var value = equals < 0 ? null : keyValue[(equals + 1)..];
            var problem = LabelKeyProblem(key) ?? (value is null ? null : LabelValueProblem(value));
            if (problem is not null) throw new ConfigurationException(flag, problem);
            taints.Add(new V1Taint { Key = key, Value = value, Effect = effect });
        }

        return taints;
    }

    public static TimeSpan ParseDuration(string flag, string? text, bool allowZero = true)
    {
        if (!GoDuration.TryParse(text, out var value))
            throw new ConfigurationException(flag, $"'{text}' is not a duration (for example 10s, 1m30s, 500ms)");
        if (!allowZero && value <= TimeSpan.Zero) throw new ConfigurationException(flag, "must be greater than 0");
        return value;
    }

    public static BindAddress? ParseBindAddress(string flag, string text)
    {
        if (!BindAddress.TryParse(text, out var value, out var error)) throw new ConfigurationException(flag, error!);
        return value;
    }

    public static string? ParseHttpsUrl(string flag, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
            throw new ConfigurationException(flag, $"'{text}' is not an absolute https URL");
        return text;
    }

    public static string? ParseUrl(string flag, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "socks5"))
            throw new ConfigurationException(flag, $"'{text}' is not an absolute http, https or socks5 URL");
        return text;
    }
}
