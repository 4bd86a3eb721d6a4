using k8s.Models;
using Kagent.Configuration;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;

namespace Kagent.Aggregation.Security;

/// <summary>
/// The current <see cref="RequestHeaderSettings"/>: fixed from the --requestheader-* flags when they are given,
/// otherwise read from kube-system/extension-apiserver-authentication and kept current by watching it, as
/// kube-apiserver's own extension servers do.
/// </summary>
public sealed class RequestHeaderSettingsSource : BackgroundService
{
    private readonly ResourceWatcher<V1ConfigMap>? _watcher;
    private readonly ILogger<RequestHeaderSettingsSource> _logger;
    private volatile RequestHeaderSettings? _current;

    public RequestHeaderSettingsSource(AggregationOptions options, [FromKeyedServices(ClusterNames.Karmada)] KubeClient client, ILogger<RequestHeaderSettingsSource> logger)
    {
        _logger = logger;
        _current = options.RequestHeader;
        if (_current is not null) return;
        _watcher = new ResourceWatcher<V1ConfigMap>(client,
            new ResourcePath("", "v1", "configmaps", RequestHeaderSettings.ConfigMapNamespace),
            new ResourceWatcherOptions { FieldSelector = $"metadata.name={RequestHeaderSettings.ConfigMapName}" },
            logger: logger);
        _watcher.Subscribe(change => Update(change.Kind == WatchEventKind.Deleted ? null : change.Object));
    }

    /// <summary>Null until the settings are known; requests with client certificates are refused until then.</summary>
    public RequestHeaderSettings? Current => _current;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _watcher?.RunAsync(stoppingToken) ?? Task.CompletedTask;

    private void Update(V1ConfigMap? configMap)
    {
        try
        {
            var settings = RequestHeaderSettings.FromConfigMap(configMap?.Data);
            if (settings is null)
            {
                _logger.NoFrontProxyCa(RequestHeaderSettings.ConfigMapNamespace, RequestHeaderSettings.ConfigMapName);
            }
            else
            {
                _logger.FrontProxySettings(settings.ClientCertificateAuthorities.Count, string.Join(", ", settings.AllowedNames));
            }

            _current = settings;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            _logger.FrontProxySettingsUnreadable(e, RequestHeaderSettings.ConfigMapNamespace, RequestHeaderSettings.ConfigMapName);
        }
    }
}
