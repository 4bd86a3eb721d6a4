using System.Text;
using k8s;
using k8s.Models;
using Kagent.Testing.Servers;

namespace Kagent.Testing;

/// <summary>
/// The APIService v1alpha1.kagent.io as config/apiservice has it, pointed at a `kagent hub` process on this machine
/// through an ExternalName Service kagent-system/kagent-hub (the hub's serving certificate names kagent-hub.kagent-system.svc).
/// </summary>
public static class HubApiService
{
    public const string ServiceDnsName = "kagent-hub.kagent-system.svc";

    public static async Task<V1APIService> RegisterAsync(IKubernetes admin, int hubPort, string? caPem, CancellationToken cancellationToken = default)
    {
        await admin.EnsureNamespaceAsync("kagent-system", cancellationToken: cancellationToken);
        await admin.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "kagent-hub", NamespaceProperty = "kagent-system" },
            // An address, not "localhost": kube-apiserver then dials without a name lookup, which sandboxes may not answer.
            Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "127.0.0.1", Ports = [new V1ServicePort { Name = "https", Port = hubPort }] },
        }, "kagent-system", cancellationToken: cancellationToken);
        var apiService = KubernetesYaml.Deserialize<V1APIService>(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "config/apiservice/apiservice.yaml")));
        apiService.Spec.Service.Port = hubPort;
        apiService.Spec.CaBundle = caPem is null ? null : Encoding.UTF8.GetBytes(caPem);
        return await admin.ApiregistrationV1.CreateAPIServiceAsync(apiService, cancellationToken: cancellationToken);
    }

    public static async Task WaitAvailableAsync(IKubernetes admin, TimeSpan timeout, Func<string> diagnostics)
    {
        var last = "no status yet";
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var current = await admin.ApiregistrationV1.ReadAPIServiceStatusAsync("v1alpha1.kagent.io");
                var conditions = current.Status?.Conditions ?? [];
                last = string.Join("; ", conditions.Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));
                return conditions.Any(c => c.Type == "Available" && c.Status == "True");
            }, timeout, "APIService v1alpha1.kagent.io Available");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last conditions: {last}\nhub log:\n{diagnostics()}", e);
        }
    }
}
