using System.Globalization;
using System.Net;
using k8s.Autorest;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;

namespace Kagent.Agent.Credentials;

/// <summary>
/// Tells the hub when the agent's control-plane client certificate ends: the annotation
/// kagent.io/client-certificate-expiry on its ClusterRegistration, written while the certificate still works and
/// whenever it changes (a renewal, a rotated kubeconfig). The hub warns before that moment and marks the
/// registration Degraded after it, when the agent itself can no longer say anything.
/// </summary>
public sealed class CertificateExpiryReporter(
    AgentOptions options,
    IEnumerable<ClusterConnection> connections,
    TimeProvider time,
    ILogger<CertificateExpiryReporter> logger) : IControllerRunner
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly ClusterConnection _karmada = connections.Single(c => c.Name == ClusterNames.Karmada);
    private string? _reported;

    public string Name => "certificate-expiry";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            if (_karmada.Client.ClientCertificate is not { } certificate) continue;
            var expiry = certificate.NotAfter.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            if (expiry == _reported) continue;
            try
            {
                await new EntityClient<ClusterRegistration>(_karmada.Client).MergePatchAsync(options.ClusterName,
                    new { metadata = new { annotations = new Dictionary<string, string> { [OnboardingConstants.ClientCertificateExpiryAnnotation] = expiry } } },
                    cancellationToken: cancellationToken);
                _reported = expiry;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                // Not registered yet (no registration, or no grant on it yet): the next tick tries again.
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                logger.CertificateExpiryNotReported(options.ClusterName, e.Message);
            }
        }
        while (await timer.NextTickOrStopAsync(cancellationToken));
    }
}
