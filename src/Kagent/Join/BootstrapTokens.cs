using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Tls;

namespace Kagent.Join;

/// <summary>
/// `kagent token create | list | delete`, run against the control plane with an administrator's kubeconfig. create
/// also makes kube-public/cluster-info from that kubeconfig when the control plane has none (installers that skip it).
/// </summary>
public sealed class BootstrapTokens(KubeClient controlPlane, string server, string caPem, TextWriter output, TextWriter notes, TimeProvider time)
{
    private const int CreateAttempts = 5;

    public async Task<BootstrapToken> CreateAsync(TimeSpan ttl, IReadOnlyList<string> groups, IReadOnlyList<string> usages, string? description, bool printJoinCommand, CancellationToken cancellationToken)
    {
        var infoCa = await EnsureClusterInfoAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var token = BootstrapToken.Generate();
            try
            {
                await controlPlane.CoreV1.CreateNamespacedSecretAsync(token.ToSecret(ttl, time.GetUtcNow().UtcDateTime, groups, usages, description),
                    BootstrapToken.SecretNamespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < CreateAttempts)
            {
                continue; // that id exists; draw another
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            {
                throw new JoinFailedException($"this kubeconfig may not create Secrets in {BootstrapToken.SecretNamespace} ({(int)e.Response.StatusCode}); use a control-plane administrator's");
            }

            if (!printJoinCommand)
            {
                await output.WriteLineAsync(token.Value);
                return token;
            }

            var pins = string.Join(',', CertificateChains.FromPem(infoCa).Select(CaPin.For));
            var address = server.StartsWith("https://", StringComparison.Ordinal) ? server["https://".Length..] : server;
            await output.WriteLineAsync($"kagent join {address.TrimEnd('/')} --token {token.Value} --discovery-token-ca-cert-hash {pins}");
            await notes.WriteLineAsync($"Run it against each member with --cluster-name <member> (and --kubeconfig <member's kubeconfig>); the token works until {(ttl > TimeSpan.Zero ? $"{time.GetUtcNow().UtcDateTime.Add(ttl):yyyy-MM-ddTHH:mm:ssZ}" : "deleted")}.");
            return token;
        }
    }

    public async Task ListAsync(CancellationToken cancellationToken)
    {
        var secrets = await controlPlane.CoreV1.ListNamespacedSecretAsync(BootstrapToken.SecretNamespace, fieldSelector: $"type={BootstrapToken.SecretType}", cancellationToken: cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await output.WriteLineAsync($"{"TOKEN",-24} {"TTL",-10} {"EXPIRES",-21} {"USAGES",-25} {"EXTRA GROUPS",-50} DESCRIPTION");
        foreach (var secret in secrets.Items.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            string Value(string key) => secret.Data?.TryGetValue(key, out var v) == true ? Encoding.UTF8.GetString(v) : "";
            var expiration = Value("expiration");
            var ttl = DateTime.TryParse(expiration, null, System.Globalization.DateTimeStyles.AdjustToUniversal, out var expires)
                ? expires <= now ? "<expired>" : $"{(int)(expires - now).TotalHours}h{(expires - now).Minutes}m"
                : "<forever>";
            var usages = string.Join(',', (secret.Data?.Keys ?? []).Where(k => k.StartsWith("usage-bootstrap-", StringComparison.Ordinal) && Value(k) == "true").Select(k => k["usage-bootstrap-".Length..]));
            // The secret half is a credential: only the id is shown.
            await output.WriteLineAsync($"{Value("token-id") + ".<secret>",-24} {ttl,-10} {(expiration.Length > 0 ? expiration : "<never>"),-21} {usages,-25} {Value("auth-extra-groups"),-50} {Value("description")}");
        }
    }

    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var failed = 0;
        foreach (var id in ids)
        {
            var tokenId = id.Split('.')[0];
            try
            {
                await controlPlane.CoreV1.DeleteNamespacedSecretAsync(BootstrapToken.SecretNamePrefix + tokenId, BootstrapToken.SecretNamespace, cancellationToken: cancellationToken);
                await output.WriteLineAsync($"bootstrap token {tokenId} deleted");
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                await notes.WriteLineAsync($"kagent: bootstrap token {tokenId} does not exist");
                failed++;
            }
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>The CA joiners will verify: cluster-info's, made from this kubeconfig's cluster when it is missing.</summary>
    private async Task<string> EnsureClusterInfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            var existing = await controlPlane.CoreV1.ReadNamespacedConfigMapAsync(ClusterInfo.Name, ClusterInfo.Namespace, cancellationToken: cancellationToken);
            return ClusterInfo.CaOf((existing.Data?.TryGetValue(ClusterInfo.KubeconfigKey, out var text) == true ? text : null)) ??
            throw new JoinFailedException($"{ClusterInfo.Namespace}/{ClusterInfo.Name} has no kubeconfig with one cluster and its CA; fix or delete it, and run kagent token create again");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            var kubeconfig = $"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: ""
                  cluster:
                    server: {server}
                    certificate-authority-data: {Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem))}
                contexts: []
                users: []
                current-context: ""
                preferences: {"{}"}

                """;
            try
            {
                await controlPlane.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
                {
                    Metadata = new V1ObjectMeta { Name = ClusterInfo.Name, NamespaceProperty = ClusterInfo.Namespace },
                    Data = new Dictionary<string, string> { [ClusterInfo.KubeconfigKey] = kubeconfig },
                }, ClusterInfo.Namespace, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException conflict) when (conflict.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return await EnsureClusterInfoAsync(cancellationToken); // made at the same moment by another token create
            }

            await notes.WriteLineAsync($"created {ClusterInfo.Namespace}/{ClusterInfo.Name} (the address and CA joiners verify): {server}");
            return caPem;
        }
    }
}
