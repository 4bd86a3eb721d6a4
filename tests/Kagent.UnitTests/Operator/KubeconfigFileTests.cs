using k8s;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Pki;
using Xunit;

namespace Kagent.UnitTests.Operator;

/// <summary>Kubeconfig files read without KubernetesYaml, as kubectl reads them.</summary>
public sealed class KubeconfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kagent-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Names_the_same_server_credentials_and_trust_as_kubernetes_client_does()
    {
        var ca = CertificateAuthority.Create("kubeconfig-ca");
        var path = Write("token.kubeconfig", Kubeconfig.Render("c1", "https://127.0.0.1:6443", ca.CertificatePem, "u1", new Credentials.Token("secret")));

        var ours = KubeconfigFile.Load(path);
        var theirs = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

        Assert.Equal((theirs.Host, theirs.AccessToken, theirs.SkipTlsVerify, theirs.CurrentContext), (ours.Host, ours.AccessToken, ours.SkipTlsVerify, ours.CurrentContext));
        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(ours.SslCaCerts).Thumbprint);
    }

    [Fact]
    public void Relative_file_paths_resolve_against_the_kubeconfigs_folder_and_a_named_context_is_used()
    {
        var ca = CertificateAuthority.Create("kubeconfig-ca");
        File.WriteAllText(Path.Combine(_folder, "ca.crt"), ca.CertificatePem);
        ca.IssueClient("agent", ["group"]).WriteTo(Path.Combine(_folder, "client.crt"), Path.Combine(_folder, "client.key"));
        var path = Write("files.kubeconfig", """
            apiVersion: v1
            kind: Config
            clusters:
            - name: first
              cluster: {server: "https://127.0.0.1:1"}
            - name: second
              cluster: {server: "https://127.0.0.1:2", certificate-authority: ca.crt}
            users:
            - name: by-file
              user: {client-certificate: client.crt, client-key: client.key}
            contexts:
            - name: first
              context: {cluster: first, user: by-file}
            - name: second
              context: {cluster: second, user: by-file, namespace: team}
            current-context: first
            """);

        // The process works in another folder: the paths are the kubeconfig's.
        var config = KubeconfigFile.Load(path, "second");

        Assert.Equal(("https://127.0.0.1:2", "team"), (config.Host, config.Namespace));
        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
        Assert.Equal(Path.Combine(_folder, "client.crt"), config.ClientCertificateFilePath);
        Assert.Equal(Path.Combine(_folder, "client.key"), config.ClientKeyFilePath);
    }

    [Fact]
    public void An_empty_file_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => KubeconfigFile.Load(Write("empty.kubeconfig", "")));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
