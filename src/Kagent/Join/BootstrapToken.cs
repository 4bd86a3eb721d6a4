using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Kagent.Join;

/// <summary>
/// A Kubernetes bootstrap token, "&lt;id&gt;.&lt;secret&gt;" ([a-z0-9]{6}.[a-z0-9]{16}), and the Secret that holds it,
/// kube-system/bootstrap-token-&lt;id&gt; of type bootstrap.kubernetes.io/token, in the format karmadactl token create
/// writes (so tokens made by either tool join with either). kube-apiserver authenticates it as
/// system:bootstrap:&lt;id&gt; in group system:bootstrappers and the groups in auth-extra-groups.
/// </summary>
public sealed partial record BootstrapToken(string Id, string Secret)
{
    public const string SecretType = "bootstrap.kubernetes.io/token";
    public const string SecretNamespace = "kube-system";
    public const string SecretNamePrefix = "bootstrap-token-";
    public const string UserPrefix = "system:bootstrap:";
    public const string Group = "system:bootstrappers";
    public const string UsageSigning = "signing";
    public const string UsageAuthentication = "authentication";
    public static readonly IReadOnlyList<string> DefaultUsages = [UsageSigning, UsageAuthentication];
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public string SecretName => SecretNamePrefix + Id;

    /// <summary>The user kube-apiserver authenticates the token as.</summary>
    public string User => UserPrefix + Id;

    /// <summary>The token as a client sends it; never logged.</summary>
    public string Value => $"{Id}.{Secret}";

    /// <summary>Only the public id: a token is a credential.</summary>
    public override string ToString() => $"{Id}.<secret>";

    public static BootstrapToken Generate() => new(Random(6), Random(16));

    public static bool TryParse(string? text, out BootstrapToken token)
    {
        var match = text is null ? Match.Empty : TokenFormat().Match(text.Trim());
        token = match.Success ? new BootstrapToken(match.Groups[1].Value, match.Groups[2].Value) : new BootstrapToken("", "");
        return match.Success;
    }

    /// <summary>Why <paramref name="group"/> cannot be a token's extra group (kube-apiserver's pattern), or null.</summary>
    public static string? GroupProblem(string group) =>
        GroupFormat().IsMatch(group) ? null : $"'{group}' is not a bootstrap group (system:bootstrappers:<name>, lower case letters, digits, ':' and '-')";

    /// <summary>The token's Secret: expiring <paramref name="ttl"/> from <paramref name="now"/> (never, for zero).</summary>
    public V1Secret ToSecret(TimeSpan ttl, DateTime now, IReadOnlyList<string> groups, IReadOnlyList<string> usages, string? description)
    {
        var data = new Dictionary<string, string> { ["token-id"] = Id, ["token-secret"] = Secret };
        if (!string.IsNullOrEmpty(description)) data["description"] = description;
        if (ttl > TimeSpan.Zero) data["expiration"] = now.Add(ttl).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ");
        foreach (var usage in usages) data[$"usage-bootstrap-{usage}"] = "true";
        if (groups.Count > 0) data["auth-extra-groups"] = string.Join(',', groups);
        return new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = SecretNamespace },
            Type = SecretType,
            Data = data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value)),
        };
    }

    private static string Random(int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++) text.Append(Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]);
        return text.ToString();
    }

    [GeneratedRegex("^([a-z0-9]{6})\\.([a-z0-9]{16})$")]
    private static partial Regex TokenFormat();

    [GeneratedRegex("^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$")]
    private static partial Regex GroupFormat();
}
