using System.Text;
using k8s;

namespace Kagent.Testing;

/// <summary>Credentials a kubeconfig carries: a bearer token or a client certificate.</summary>
public abstract record Credentials
{
    public sealed record Token(string Value) : Credentials;

    public sealed record ClientCertificate(string CertificatePem, string KeyPem) : Credentials;
}

/// <summary>Writes single-context kubeconfig files, as a user would have them.</summary>
public static class Kubeconfig
{
    public static string Render(string clusterName, string server, string? caPem, string userName, Credentials credentials)
    {
        static string B64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));
        var user = credentials switch
        {
            Credentials.Token t => $"    token: {t.Value}\n",
            Credentials.ClientCertificate c => $"    client-certificate-data: {B64(c.CertificatePem)}\n    client-key-data: {B64(c.KeyPem)}\n",
            _ => throw new ArgumentOutOfRangeException(nameof(credentials)),
        };
        var trust = caPem is null ? "insecure-skip-tls-verify: true" : $"certificate-authority-data: {B64(caPem)}";
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {clusterName}
              cluster:
                server: {server}
                {trust}
            users:
            - name: {userName}
              user:
            {user}contexts:
            - name: {clusterName}
              context:
                cluster: {clusterName}
                user: {userName}
            current-context: {clusterName}

            """;
    }

    public static IKubernetes ClientFrom(string kubeconfigPath) =>
        new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath));
}
