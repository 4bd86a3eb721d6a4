using k8s.Models;
using Kagent.Validation;

namespace Kagent.Configuration;

/// <summary>Parsers for list-, map- and taint-valued flags, each naming its flag when it fails.</summary>
public static class FlagValues
{
    public static string? Dns1123LabelProblem(string value, int maxLength) => KubeNames.Dns1123LabelProblem(value, maxLength);

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
            var problem = KubeNames.LabelKeyProblem(key) ?? KubeNames.LabelValueProblem(value);
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
            var keyValue = item[..colon];
            var equals = keyValue.IndexOf('=');
            var key = equals < 0 ? keyValue : keyValue[..equals];
            var value = equals < 0 ? null : keyValue[(equals + 1)..];
            if (KubeNames.TaintProblem(key, value, effect) is { } problem) throw new ConfigurationException(flag, $"'{item}': {problem}");
            taints.Add(new V1Taint { Key = key, Value = value, Effect = effect });
        }

        return taints;
    }

    /// <summary>
    /// karmada-agent's --controllers syntax, for any set of names: "*" for all, a name to enable it, "-name" to
    /// disable it ("*,-execution"). The enabled names, or what is wrong with the list.
    /// </summary>
    public static (HashSet<string>? Enabled, string? Problem) ParseSelection(IReadOnlyList<string> items, IReadOnlyList<string> known, string noun)
    {
        if (items.Count == 0) return (null, $"is empty; use * for every {noun}");
        var enabled = new HashSet<string>(items.Contains("*") ? known : [], StringComparer.Ordinal);
        foreach (var item in items.Where(i => i != "*"))
        {
            var name = item.TrimStart('-');
            if (!known.Contains(name)) return (null, $"'{name}' is not a {noun}; known: {string.Join(", ", known)}");
            if (item.StartsWith('-')) enabled.Remove(name);
            else enabled.Add(name);
        }

        return (enabled, null);
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
        if (KubeNames.HttpsUrlProblem(text) is { } problem) throw new ConfigurationException(flag, problem);
        return text;
    }

    public static string? ParseUrl(string flag, string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (KubeNames.ProxyUrlProblem(text) is { } problem) throw new ConfigurationException(flag, problem);
        return text;
    }
}
