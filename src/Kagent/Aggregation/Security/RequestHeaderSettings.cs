using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

using Kagent.Operator.Tls;

namespace Kagent.Aggregation.Security;

/// <summary>
/// Whom to trust as the front proxy (kube-apiserver's aggregator) and which headers carry the user it vouches for:
/// kube-apiserver's --requestheader-* settings, as published in kube-system/extension-apiserver-authentication.
/// </summary>
public sealed record RequestHeaderSettings(
    IReadOnlyList<X509Certificate2> ClientCertificateAuthorities,
    IReadOnlyList<string> AllowedNames,
    IReadOnlyList<string> UsernameHeaders,
    IReadOnlyList<string> UidHeaders,
    IReadOnlyList<string> GroupHeaders,
    IReadOnlyList<string> ExtraHeaderPrefixes)
{
    public const string ConfigMapNamespace = "kube-system";
    public const string ConfigMapName = "extension-apiserver-authentication";

    public static readonly IReadOnlyList<string> DefaultUsernameHeaders = ["X-Remote-User"];
    public static readonly IReadOnlyList<string> DefaultGroupHeaders = ["X-Remote-Group"];
    public static readonly IReadOnlyList<string> DefaultExtraHeaderPrefixes = ["X-Remote-Extra-"];

    /// <summary>Every header the proxy may set: removed from each request, trusted or not, before it goes further.</summary>
    public bool IsIdentityHeader(string header) =>
        UsernameHeaders.Concat(UidHeaders).Concat(GroupHeaders).Any(h => h.Equals(header, StringComparison.OrdinalIgnoreCase))
        || ExtraHeaderPrefixes.Any(p => header.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the ConfigMap's data; null when it has no request-header CA (the front proxy is not configured).</summary>
    public static RequestHeaderSettings? FromConfigMap(IDictionary<string, string>? data)
    {
        if (data is null || !data.TryGetValue("requestheader-client-ca-file", out var caPem) || string.IsNullOrWhiteSpace(caPem)) return null;
        return new RequestHeaderSettings(
            CertificateChains.FromPem(caPem),
            JsonList(data, "requestheader-allowed-names"),
            JsonList(data, "requestheader-username-headers") is { Count: > 0 } users ? users : DefaultUsernameHeaders,
            JsonList(data, "requestheader-uid-headers"),
            JsonList(data, "requestheader-group-headers") is { Count: > 0 } groups ? groups : DefaultGroupHeaders,
            JsonList(data, "requestheader-extra-headers-prefix") is { Count: > 0 } extras ? extras : DefaultExtraHeaderPrefixes);
    }

    // kube-apiserver writes each list as a JSON array in a string.
    private static IReadOnlyList<string> JsonList(IDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var json) && !string.IsNullOrWhiteSpace(json)
            ? JsonSerializer.Deserialize<List<string>>(json)?.Where(s => s.Length > 0).ToList() ?? []
            : [];
}
