using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Kagent.Join;
using Xunit;

namespace Kagent.UnitTests.Join;

public sealed class BootstrapTokenTests
{
    [Fact]
    public void A_generated_token_parses_and_hides_its_secret()
    {
        var token = BootstrapToken.Generate();
        Assert.True(BootstrapToken.TryParse(token.Value, out var parsed));
        Assert.Equal(token, parsed);
        Assert.Equal($"{token.Id}.<secret>", token.ToString());
        Assert.DoesNotContain(token.Secret, token.ToString());
    }

    [Theory]
    [InlineData("abcdef.0123456789abcdef", true)]
    [InlineData("ABCDEF.0123456789abcdef", false)]
    [InlineData("abcde.0123456789abcdef", false)]
    [InlineData("abcdef.0123456789abcde", false)]
    [InlineData("abcdef0123456789abcdef", false)]
    public void Only_the_bootstrap_format_parses(string text, bool valid) => Assert.Equal(valid, BootstrapToken.TryParse(text, out _));

    /// <summary>karmadactl token create's keys: id, secret, RFC 3339 expiration, one key per usage, the extra groups.</summary>
    [Fact]
    public void The_secret_has_karmadas_keys()
    {
        var secret = new BootstrapToken("abcdef", "0123456789abcdef").ToSecret(TimeSpan.FromHours(24), new DateTime(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc),
            ["system:bootstrappers:kagent:default-cluster-token"], BootstrapToken.DefaultUsages, "for m1");
        Assert.Equal("kube-system", secret.Metadata.NamespaceProperty);
        Assert.Equal("bootstrap-token-abcdef", secret.Metadata.Name);
        Assert.Equal("bootstrap.kubernetes.io/token", secret.Type);
        var data = secret.Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));
        Assert.Equal(new Dictionary<string, string>
        {
            ["token-id"] = "abcdef", ["token-secret"] = "0123456789abcdef", ["description"] = "for m1", ["expiration"] = "2026-12-04T10:00:00Z",
            ["usage-bootstrap-signing"] = "true", ["usage-bootstrap-authentication"] = "true", ["auth-extra-groups"] = "system:bootstrappers:kagent:default-cluster-token",
        }, data);
        Assert.DoesNotContain("expiration", new BootstrapToken("abcdef", "0123456789abcdef").ToSecret(TimeSpan.Zero, DateTime.UtcNow, [], [], null).Data.Keys);
    }

    [Theory]
    [InlineData("system:bootstrappers:kagent:default-cluster-token", true)]
    [InlineData("system:bootstrappers:karmada:default-cluster-token", true)]
    [InlineData("system:masters", false)]
    [InlineData("system:bootstrappers:", false)]
    public void Extra_groups_follow_the_bootstrap_pattern(string group, bool valid) => Assert.Equal(valid, BootstrapToken.GroupProblem(group) is null);

    /// <summary>The pin is SHA-256 of the SubjectPublicKeyInfo (kubeadm's), so a CA re-issued with its key keeps it.</summary>
    [Fact]
    public void A_pin_hashes_the_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ca", key, HashAlgorithmName.SHA256);
        using var first = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        using var second = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(2));
        var pin = CaPin.For(first);
        Assert.Equal("sha256:" + Convert.ToHexString(SHA256.HashData(key.ExportSubjectPublicKeyInfo())).ToLowerInvariant(), pin);
        Assert.Equal(pin, CaPin.For(second));
        Assert.True(CaPin.TryParse(pin.ToUpperInvariant(), out var parsed));
        Assert.Equal(pin, parsed);
        Assert.False(CaPin.TryParse("sha1:" + new string('0', 40), out _));
        Assert.False(CaPin.TryParse("sha256:abc", out _));
    }

    [Fact]
    public void A_cluster_info_signature_verifies_only_with_its_token_and_payload()
    {
        var token = new BootstrapToken("abcdef", "0123456789abcdef");
        const string Payload = "apiVersion: v1\nkind: Config\n";
        var signature = ClusterInfo.Sign(Payload, token);
        Assert.Matches("^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$", signature);
        Assert.Null(ClusterInfo.SignatureProblem(Payload, signature, token));
        Assert.Equal("the signature does not match the token", ClusterInfo.SignatureProblem(Payload + " ", signature, token));
        Assert.Equal("the signature does not match the token", ClusterInfo.SignatureProblem(Payload, signature, token with { Secret = "fedcba9876543210" }));
        Assert.Equal("it names token id abcdef, not zzzzzz", ClusterInfo.SignatureProblem(Payload, signature, token with { Id = "zzzzzz" }));
        Assert.Equal("it is not a detached JWS", ClusterInfo.SignatureProblem(Payload, signature.Replace("..", ".x."), token));
    }
}
