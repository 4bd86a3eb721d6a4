using Kagent.Operator.Client;

namespace Kagent.Hub.Certificates;

/// <summary>
/// `kagent hub --ca-bundle-file`: keeps the caBundle of the onboarding webhooks and the APIService equal to a PEM
/// file, such as the ca.crt that cert-manager writes next to the serving certificate. In a host-cluster install
/// cert-manager's CA injector cannot reach karmada-apiserver, so the hub carries the CA there itself; the file is
/// read again every check, so a renewed CA is injected without a restart.
/// </summary>
public sealed class CaBundleFileInjection(KubeClient client, string caBundleFile, TimeProvider time, ILogger<CaBundleFileInjection> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    private readonly CaBundleInjector _injector = new(client, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var bundle = await File.ReadAllBytesAsync(caBundleFile, stoppingToken);
                await _injector.InjectAsync(bundle, stoppingToken);
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A file between two writes of its mounter, or the control plane away: the next round tries again.
                if (!failing) logger.CaBundleFileInjectionFailed(e, caBundleFile);
                failing = true;
            }

            try
            {
                await Task.Delay(CheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
