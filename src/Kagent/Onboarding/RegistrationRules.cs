using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Validation;

namespace Kagent.Onboarding;

/// <summary>The shape every ClusterRegistration must have, whatever the policies say. Each problem names its field.</summary>
public static class RegistrationRules
{
    public static IReadOnlyList<string> Problems(ClusterRegistration registration)
    {
        var problems = new List<string>();
        void Check(string field, string? problem)
        {
            if (problem is not null) problems.Add($"{field}: {problem}");
        }

        var spec = registration.Spec;
        Check("metadata.name", KubeNames.Dns1123LabelProblem(registration.Metadata.Name, KarmadaConstants.MaxClusterNameLength));
        if (registration.Metadata.Name == JoinRequestRules.ReservedClusterName)
            Check("metadata.name", $"'{JoinRequestRules.ReservedClusterName}' is reserved: {OnboardingConstants.AgentUserPrefix}{JoinRequestRules.ReservedClusterName} is karmadactl register's administrator identity");
        if (spec.ClusterId is { } id && (id.Length == 0 || id.Length > 128000)) Check("spec.clusterID", "must be between 1 and 128000 characters");
        if (spec.ApiEndpoint is not null) Check("spec.apiEndpoint", KubeNames.HttpsUrlProblem(spec.ApiEndpoint));
        if (spec.ProxyUrl is not null) Check("spec.proxyURL", KubeNames.ProxyUrlProblem(spec.ProxyUrl));
        if (spec.SyncMode is not null && spec.SyncMode != KarmadaConstants.SyncModePull)
            Check("spec.syncMode", $"'{spec.SyncMode}' is not supported; Kagent registers Pull clusters only");
        if (spec.KubernetesVersion is not null && !KubernetesVersion.TryParse(spec.KubernetesVersion, out _))
            Check("spec.kubernetesVersion", $"'{spec.KubernetesVersion}' is not a version such as v1.20.2");

        CheckZones("spec.zones", spec.Zones ?? []);
        CheckZones("spec.discovered.zones", spec.Discovered?.Zones ?? []);
        void CheckZones(string field, IList<string> zones)
        {
            for (var i = 0; i < zones.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(zones[i]) || zones[i].Length > 63) Check($"{field}[{i}]", $"'{zones[i]}' must be 1 to 63 characters");
                else if (zones.Take(i).Contains(zones[i])) Check($"{field}[{i}]", $"'{zones[i]}' is listed twice");
            }
        }

        foreach (var (field, value) in new[] { ("provider", spec.Discovered?.Provider), ("region", spec.Discovered?.Region), ("distribution", spec.Discovered?.Distribution) })
        {
            if (value is not null && (value.Length == 0 || value.Length > 63)) Check($"spec.discovered.{field}", $"'{value}' must be 1 to 63 characters");
        }

        foreach (var (key, value) in spec.Labels ?? new Dictionary<string, string>())
        {
            Check($"spec.labels[{key}]", KubeNames.LabelKeyProblem(key) ?? KubeNames.LabelValueProblem(value));
        }

        var taints = spec.Taints ?? [];
        for (var i = 0; i < taints.Count; i++)
        {
            var taint = taints[i];
            Check($"spec.taints[{i}]", KubeNames.TaintProblem(taint.Key, taint.Value, taint.Effect));
            if (taints.Take(i).Any(t => t.Key == taint.Key && t.Effect == taint.Effect))
                Check($"spec.taints[{i}]", $"taint '{taint.Key}:{taint.Effect}' is listed twice");
        }

        return problems;
    }
}
