using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kagent.Join;

/// <summary>
/// The ConfigMap kube-public/cluster-info: a kubeconfig with the control plane's address and CA, readable
/// anonymously, and for each unexpired signing token a detached JWS of it (key jws-kubeconfig-&lt;token id&gt;) that
/// kube-controller-manager's bootstrapsigner adds: HS256 with the token's secret as key. A joiner that holds a
/// token can so tell that the CA it read came from someone who knows the token.
/// </summary>
public static class ClusterInfo
{
    public const string Namespace = "kube-public";
    public const string Name = "cluster-info";
    public const string KubeconfigKey = "kubeconfig";
    public const string SignaturePrefix = "jws-kubeconfig-";

    /// <summary>The CA of cluster-info's kubeconfig (PEM), or null unless it holds exactly one cluster with one.</summary>
    public static string? CaOf(string? kubeconfig)
    {
        var clusters = kubeconfig is null ? null : Kagent.Operator.Client.KubeconfigFile.Parse(kubeconfig)?.Clusters?.ToList();
        return clusters is [{ ClusterEndpoint.CertificateAuthorityData: { Length: > 0 } data }]
            ? Encoding.UTF8.GetString(Convert.FromBase64String(data))
            : null;
    }

    /// <summary>A detached compact JWS ("header..signature") of <paramref name="payload"/>, as bootstrapsigner writes it.</summary>
    public static string Sign(string payload, BootstrapToken token)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "HS256", ["kid"] = token.Id }));
        return $"{header}..{Base64Url(Mac(header, payload, token))}";
    }

    /// <summary>Why <paramref name="signature"/> is not <paramref name="token"/>'s JWS of <paramref name="payload"/>, or null when it is.</summary>
    public static string? SignatureProblem(string payload, string signature, BootstrapToken token)
    {
        var parts = signature.Split('.');
        if (parts.Length != 3 || parts[1].Length != 0) return "it is not a detached JWS";
        try
        {
            using var header = JsonDocument.Parse(Base64UrlDecode(parts[0]));
            var alg = header.RootElement.TryGetProperty("alg", out var a) ? a.GetString() : null;
            var kid = header.RootElement.TryGetProperty("kid", out var k) ? k.GetString() : null;
            if (alg != "HS256") return $"its algorithm is {alg ?? "missing"}, not HS256";
            if (kid != token.Id) return $"it names token id {kid ?? "(none)"}, not {token.Id}";
            var expected = Mac(parts[0], payload, token);
            return CryptographicOperations.FixedTimeEquals(expected, Base64UrlDecode(parts[2])) ? null : "the signature does not match the token";
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "its header cannot be read";
        }
    }

    private static byte[] Mac(string header, string payload, BootstrapToken token) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(token.Secret), Encoding.ASCII.GetBytes($"{header}.{Base64Url(Encoding.UTF8.GetBytes(payload))}"));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
