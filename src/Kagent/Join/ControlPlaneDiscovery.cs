using System.Net;
using System.Net.Security;
using System.Text.Json;
using Kagent.Operator.Tls;

namespace Kagent.Join;

/// <summary>The control plane as discovery found it: the address the joiner typed and the CA it verified.</summary>
public sealed record DiscoveredControlPlane(string Server, string CaPem, string CaPin);

/// <summary>
/// Finds and verifies the control plane's CA from kube-public/cluster-info with a bootstrap token, as kubeadm and
/// karmadactl register do: read anonymously without trusting the server yet; wait for the token's signature of the
/// kubeconfig there; check it; check the CA against the pins; read again over TLS that trusts only that CA and
/// require the same kubeconfig.
/// </summary>
public sealed class ControlPlaneDiscovery(TextWriter progress, TimeProvider time)
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public async Task<DiscoveredControlPlane> DiscoverAsync(string server, BootstrapToken token, IReadOnlyList<string> pins, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        string kubeconfig;
#pragma warning disable CA5359 // the first read trusts nothing it is told: the token's signature and the pins check what it reads
        using (var untrusted = Client(handler => handler.SslOptions.RemoteCertificateValidationCallback = AcceptAny))
#pragma warning restore CA5359
        {
            kubeconfig = await SignedKubeconfigAsync(untrusted, server, token, deadline, timeout, cancellationToken);
        }

        var caPem = ClusterInfo.CaOf(kubeconfig)
                    ?? throw new JoinFailedException($"{ClusterInfo.Namespace}/{ClusterInfo.Name} must hold a kubeconfig with exactly one cluster and its certificate-authority-data");
        var certificates = CertificateChains.FromPem(caPem);
        var caPins = certificates.Select(CaPin.For).ToList();
        string pin;
        if (pins.Count == 0)
        {
            pin = caPins.FirstOrDefault() ?? "";
            await progress.WriteLineAsync($"[discovery] not checking the control plane's CA ({pin}): --discovery-token-unsafe-skip-ca-verification");
        }
        else
        {
            pin = caPins.FirstOrDefault(pins.Contains)
                  ?? throw new JoinFailedException($"the control plane's CA ({string.Join(", ", caPins)}) matches no --discovery-token-ca-cert-hash; " +
                                                   "check the hash kagent token create printed, and that the address is that control plane's");
            await progress.WriteLineAsync($"[discovery] the control plane's CA matches {pin}");
        }

        // Again, now trusting only that CA: a server that showed one CA and holds another's key is not the one pinned.
        using var trusted = Client(handler => CertificateChains.TrustOnly(handler.SslOptions, certificates));
        var again = await FetchAsync(trusted, server, cancellationToken);
        if (again?.Kubeconfig != kubeconfig)
            throw new JoinFailedException($"{server} answered differently once its CA was trusted; not joining a control plane that cannot be verified");
        return new DiscoveredControlPlane(server, caPem, pin);
    }

    private async Task<string> SignedKubeconfigAsync(HttpClient client, string server, BootstrapToken token, DateTimeOffset deadline, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await progress.WriteLineAsync($"[discovery] reading {ClusterInfo.Namespace}/{ClusterInfo.Name} from {server}");
        var reported = false;
        while (true)
        {
            string? waitingFor;
            try
            {
                var info = await FetchAsync(client, server, cancellationToken)
                           ?? throw new JoinFailedException($"{ClusterInfo.Namespace}/{ClusterInfo.Name} does not exist at {server}: the control plane is not set up for joining with a token (kagent token create sets it up)");
                if (info.Kubeconfig is null)
                    throw new JoinFailedException($"{ClusterInfo.Namespace}/{ClusterInfo.Name} at {server} has no '{ClusterInfo.KubeconfigKey}'; the control plane is not set up for joining with a token");
                if (info.Signatures.TryGetValue(ClusterInfo.SignaturePrefix + token.Id, out var signature))
                {
                    if (ClusterInfo.SignatureProblem(info.Kubeconfig, signature, token) is { } problem)
                        throw new JoinFailedException($"the control plane's signature for token {token.Id} does not verify ({problem}): the token is wrong, or this is not the control plane that made it");
                    return info.Kubeconfig;
                }

                waitingFor = $"no signature for token {token.Id} yet";
            }
            catch (HttpRequestException e)
            {
                waitingFor = $"cannot reach {server} ({e.Message})";
            }

            if (time.GetUtcNow() + RetryInterval > deadline)
            {
                throw new JoinFailedException(waitingFor.StartsWith("no signature", StringComparison.Ordinal)
                    ? $"token {token.Id} is unknown or expired (the control plane published no signature for it within {timeout.TotalSeconds:0}s); make a new one with kagent token create"
                    : $"{waitingFor}, for {timeout.TotalSeconds:0}s; check the address and that the control plane is up");
            }

            if (!reported) await progress.WriteLineAsync($"[discovery] {waitingFor}; trying again every {RetryInterval.TotalSeconds:0}s for up to {timeout.TotalSeconds:0}s");
            reported = true;
            await Task.Delay(RetryInterval, time, cancellationToken);
        }
    }

    private sealed record Info(string? Kubeconfig, Dictionary<string, string> Signatures);

    private static async Task<Info?> FetchAsync(HttpClient client, string server, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"{server.TrimEnd('/')}/api/v1/namespaces/{ClusterInfo.Namespace}/configmaps/{ClusterInfo.Name}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new JoinFailedException($"{server} refuses anonymous reads of {ClusterInfo.Namespace}/{ClusterInfo.Name} ({(int)response.StatusCode}): apply config/install/karmada-apiserver " +
                                          "(it lets system:anonymous read it) and keep kube-apiserver's anonymous authentication on");
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var data = document.RootElement.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object
            ? d.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "")
            : [];
        return new Info(data.GetValueOrDefault(ClusterInfo.KubeconfigKey), data.Where(kv => kv.Key.StartsWith(ClusterInfo.SignaturePrefix, StringComparison.Ordinal)).ToDictionary());
    }

    private static HttpClient Client(Action<SocketsHttpHandler> configure)
    {
        var handler = new SocketsHttpHandler();
        configure(handler);
        return new HttpClient(handler) { Timeout = RequestTimeout };
    }

    private static bool AcceptAny(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate,
        System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) => true;
}
