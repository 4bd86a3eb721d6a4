using Kagent.Operator.Client;

namespace Kagent.Hub.Certificates;

/// <summary>
/// `kagent hub --ca-bundle-file`: keeps the caBundle of the onboarding webhooks and the APIService equal to a PEM
/// file, such as the ca.crt that cert-manager writes next to the serving certificate. In a host-cluster install
/// cert-manager's CA injector cannot reach karmada-apiserver, so the hub carries the CA there itself. The file is
/// read every <see cref="CheckInterval"/> (a local read), and a renewed CA is injected at once; the two objects are
/// read back only every <see cref="VerifyInterval"/>, to undo a caBundle someone else changed.
/// </summary>
public sealed class CaBundleFileInjection(KubeClient client, string caBundleFile, TimeProvider time, ILogger<CaBundleFileInjection> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan VerifyInterval = TimeSpan.FromMinutes(5);

    private readonly CaBundleInjector _injector = new(client, logger);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        byte[]? injected = null;
        var injectedAt = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var bundle = await File.ReadAllBytesAsync(caBundleFile, stoppingToken);
                if (injected is null || !bundle.AsSpan().SequenceEqual(injected) || time.GetElapsedTime(injectedAt) >= VerifyInterval)
                {
                    await _injector.InjectAsync(bundle, stoppingToken);
                    if (_injector.AllTargetsPresent) (injected, injectedAt) = (bundle, time.GetTimestamp());
                }

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
