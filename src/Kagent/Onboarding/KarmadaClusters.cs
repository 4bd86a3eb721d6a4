using System.Net;
using System.Text.Json;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Onboarding;

/// <summary>
/// Writes the Karmada Cluster of a registration. Kagent owns the fields it sets from the registration; labels and
/// taints it set are remembered in annotations, so that it removes its own and never those Karmada or others add
/// (Karmada's control plane taints clusters that are not ready).
/// </summary>
public sealed class KarmadaClusters([FromKeyedServices(ClusterNames.Karmada)] KubeClient client)
{
    public const string ManagedLabelsAnnotation = "kagent.io/managed-labels";
    public const string ManagedTaintsAnnotation = "kagent.io/managed-taints";

    private readonly EntityClient<Cluster> _clusters = new(client);

    public Task<Cluster?> GetAsync(string name, CancellationToken cancellationToken) => _clusters.GetAsync(name, cancellationToken: cancellationToken);

    public static bool BelongsTo(Cluster cluster, ClusterRegistration registration) =>
        cluster.Metadata.Labels?.TryGetValue(OnboardingConstants.RegistrationLabel, out var owner) == true && owner == registration.Metadata.Name
        || !string.IsNullOrEmpty(cluster.Spec.Id) && cluster.Spec.Id == registration.Spec.ClusterId;

    public async Task<(ClusterSync Outcome, Cluster? Cluster)> EnsureAsync(ClusterRegistration registration, CancellationToken cancellationToken)
    {
        var existing = await _clusters.GetAsync(registration.Metadata.Name, cancellationToken: cancellationToken);
        if (existing is null)
        {
            var created = await _clusters.CreateAsync(Apply(new Cluster { Metadata = new V1ObjectMeta { Name = registration.Metadata.Name } }, registration), cancellationToken);
            return (ClusterSync.Created, created);
        }

        if (!BelongsTo(existing, registration)) return (ClusterSync.NameTaken, existing);

        var before = KubeJson.Serialize(new { existing.Metadata.Labels, existing.Metadata.Annotations, existing.Spec });
        Apply(existing, registration);
        var after = KubeJson.Serialize(new { existing.Metadata.Labels, existing.Metadata.Annotations, existing.Spec });
        if (before == after) return (ClusterSync.Unchanged, existing);
        return (ClusterSync.Updated, await _clusters.ReplaceAsync(existing, cancellationToken));
    }

    /// <summary>Deletes the registration's Cluster; true once it is gone (a foreign Cluster of the same name is never touched).</summary>
    public async Task<bool> DeleteAsync(ClusterRegistration registration, CancellationToken cancellationToken)
    {
        var existing = await _clusters.GetAsync(registration.Metadata.Name, cancellationToken: cancellationToken);
        if (existing is null || !BelongsTo(existing, registration)) return true;
        if (existing.Metadata.DeletionTimestamp is null)
        {
            try
            {
                await _clusters.DeleteAsync(registration.Metadata.Name, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return true;
            }
        }

        return await _clusters.GetAsync(registration.Metadata.Name, cancellationToken: cancellationToken) is null;
    }

    private static Cluster Apply(Cluster cluster, ClusterRegistration registration)
    {
        var spec = registration.Spec;
        cluster.Spec.SyncMode = KarmadaConstants.SyncModePull;
        cluster.Spec.Id = spec.ClusterId;
        cluster.Spec.ApiEndpoint = spec.ApiEndpoint;
        cluster.Spec.ProxyUrl = spec.ProxyUrl;
        // What the registration states (karmada-agent's --cluster-provider, --cluster-region, --cluster-zones) wins;
        // what the agent discovers on the member fills the rest.
        var discovered = spec.Discovered;
        cluster.Spec.Provider = NonEmpty(spec.Provider) ?? NonEmpty(discovered?.Provider);
        cluster.Spec.Region = NonEmpty(spec.Region) ?? NonEmpty(discovered?.Region);
        cluster.Spec.Zones = spec.Zones is { Count: > 0 } zones ? zones.ToList() : discovered?.Zones is { Count: > 0 } found ? found.ToList() : null;

        var annotations = cluster.Metadata.Annotations ??= new Dictionary<string, string>();
        var labels = cluster.Metadata.Labels ??= new Dictionary<string, string>();
        foreach (var key in Managed(annotations, ManagedLabelsAnnotation)) labels.Remove(key);
        var desiredLabels = new Dictionary<string, string>(spec.Labels ?? new Dictionary<string, string>()) { [OnboardingConstants.RegistrationLabel] = registration.Metadata.Name };
        foreach (var (key, value) in desiredLabels) labels[key] = value;
        annotations[ManagedLabelsAnnotation] = JsonSerializer.Serialize(desiredLabels.Keys.Order(StringComparer.Ordinal));

        var previouslyManaged = Managed(annotations, ManagedTaintsAnnotation).ToHashSet();
        var taints = (cluster.Spec.Taints ?? []).Where(t => !previouslyManaged.Contains(TaintKey(t))).ToList();
        foreach (var taint in spec.Taints ?? [])
        {
            taints.RemoveAll(t => TaintKey(t) == TaintKey(taint));
            taints.Add(new V1Taint { Key = taint.Key, Value = taint.Value, Effect = taint.Effect });
        }

        cluster.Spec.Taints = taints.Count > 0 ? taints : null;
        annotations[ManagedTaintsAnnotation] = JsonSerializer.Serialize((spec.Taints ?? []).Select(TaintKey).Order(StringComparer.Ordinal));

        // The hub's version, which the cluster's agent reads with its Cluster each round and compares with its own
        // (kagent.io/AgentHealthy): every registration is reconciled when a hub starts, so an upgrade restamps all.
        annotations[KagentConstants.HubVersionAnnotation] = BuildInfo.Version;
        return cluster;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string TaintKey(V1Taint taint) => $"{taint.Key}:{taint.Effect}";

    private static IEnumerable<string> Managed(IDictionary<string, string> annotations, string annotation)
    {
        if (!annotations.TryGetValue(annotation, out var json)) return [];
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
