using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;

namespace Kagent.Agent.Registration;

/// <summary>
/// Creates or updates this cluster's ClusterRegistration from the agent's flags, then waits until the hub has
/// registered it. A denial is logged with the webhook's message and tried again later, with backoff: a policy or
/// an approval may change. The agent writes only the fields it owns (never spec.accepted).
/// </summary>
[RunsIn(KagentRole.Agent)]
public sealed class RegistrationAgent(
    AgentOptions options,
    RegistrationState state,
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient karmada,
    [FromKeyedServices(ClusterNames.Member)] KubeClient member,
    AgentMetrics metrics,
    ILogger<RegistrationAgent> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);
    private readonly EntityClient<ClusterRegistration> _registrations = new(karmada);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        var lastProgress = DateTime.MinValue;
        string? lastPhase = null;
        var existed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var clusterId = await ClusterIdentity.ResolveAsync(member, stoppingToken);
                var version = (await member.Version.GetCodeAsync(stoppingToken)).GitVersion;
                if (existed && await _registrations.GetAsync(options.ClusterName, cancellationToken: stoppingToken) is null)
                {
                    // Deleted while waiting (kagent agent unregister, or an administrator): do not fight it.
                    logger.RegistrationDeleted(options.ClusterName);
                    return;
                }

                var registration = await EnsureAsync(clusterId, version, stoppingToken);
                existed = true;
                state.Observe(registration.Status.Phase, clusterId, registration.Status.ClusterUid);
                metrics.RegistrationPhase(registration.Status.Phase);
                if (registration.Status.Phase == OnboardingConstants.PhaseRegistered)
                {
                    logger.Registered(options.ClusterName, clusterId, registration.Status.ClusterUid);
                    return;
                }

                if (registration.Status.Phase != lastPhase || DateTime.UtcNow - lastProgress > ProgressInterval)
                {
                    var condition = registration.Status.Conditions?.FirstOrDefault(c => c.Type == OnboardingConstants.ConditionRegistered);
                    logger.RegistrationWaiting(options.ClusterName, registration.Status.Phase ?? "(not yet seen by the hub)", condition?.Message ?? "no hub answer yet");
                    lastPhase = registration.Status.Phase;
                    lastProgress = DateTime.UtcNow;
                }

                backoff.Reset();
                await Task.Delay(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity)
            {
                var delay = backoff.Next();
                logger.RegistrationRefused(options.ClusterName, DenialMessage(e), delay);
                await DelayAsync(delay, stoppingToken);
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                logger.RegistrationFailed(e, options.ClusterName, delay);
                await DelayAsync(delay, stoppingToken);
            }
        }
    }

    private async Task<ClusterRegistration> EnsureAsync(string clusterId, string version, CancellationToken cancellationToken)
    {
        var existing = await _registrations.GetAsync(options.ClusterName, cancellationToken: cancellationToken);
        if (existing is null)
        {
            logger.RegistrationCreating(options.ClusterName, clusterId, version);
            return await _registrations.CreateAsync(new ClusterRegistration
            {
                Metadata = new V1ObjectMeta { Name = options.ClusterName },
                Spec = DesiredSpec(clusterId, version),
            }, cancellationToken);
        }

        var desired = DesiredSpec(clusterId, version);
        if (Owned(existing.Spec) == Owned(desired)) return existing;

        // Merge patch of the owned fields only; labels the flags no longer name are removed (null).
        var labels = new Dictionary<string, string?>(desired.Labels!.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
        foreach (var key in existing.Spec.Labels?.Keys ?? []) labels.TryAdd(key, null);
        logger.RegistrationUpdating(options.ClusterName);
        return await _registrations.MergePatchAsync(options.ClusterName, new
        {
            spec = new
            {
                clusterID = desired.ClusterId,
                apiEndpoint = desired.ApiEndpoint,
                proxyURL = desired.ProxyUrl,
                provider = desired.Provider,
                region = desired.Region,
                zones = desired.Zones,
                labels,
                taints = desired.Taints,
                syncMode = desired.SyncMode,
                kubernetesVersion = desired.KubernetesVersion,
            },
        }, cancellationToken: cancellationToken);
    }

    private ClusterRegistrationSpec DesiredSpec(string clusterId, string version) => new()
    {
        ClusterId = clusterId,
        ApiEndpoint = options.ClusterApiEndpoint,
        ProxyUrl = options.ProxyServerAddress,
        Provider = options.ClusterProvider,
        Region = options.ClusterRegion,
        Zones = options.ClusterZones.Count > 0 ? options.ClusterZones.ToList() : null,
        Labels = options.ClusterLabels.ToDictionary(kv => kv.Key, kv => kv.Value),
        Taints = options.ClusterTaints.Count > 0 ? options.ClusterTaints.ToList() : null,
        SyncMode = KarmadaConstants.SyncModePull,
        KubernetesVersion = version,
    };

    private static string Owned(ClusterRegistrationSpec spec) => KubernetesJson.Serialize(new
    {
        spec.ClusterId, spec.ApiEndpoint, spec.ProxyUrl, spec.Provider, spec.Region,
        Zones = spec.Zones is { Count: > 0 } ? spec.Zones : null,
        Labels = spec.Labels?.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() is { Count: > 0 } l ? l : null,
        Taints = spec.Taints is { Count: > 0 } ? spec.Taints.Select(t => $"{t.Key}={t.Value}:{t.Effect}") : null,
        spec.SyncMode, spec.KubernetesVersion,
    });

    /// <summary>The webhook's own words ("admission webhook ... denied the request: ..."), else the status message.</summary>
    public static string DenialMessage(HttpOperationException e)
    {
        try
        {
            return KubernetesJson.Deserialize<V1Status>(e.Response.Content).Message ?? e.Message;
        }
        catch (Exception)
        {
            return e.Message;
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
