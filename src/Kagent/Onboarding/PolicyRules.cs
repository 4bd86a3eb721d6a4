using System.Text.RegularExpressions;
using Kagent.Api.V1Beta1;
using Kagent.Validation;

namespace Kagent.Onboarding;

/// <summary>OnboardingPolicy checks: whether a registration complies with each policy, and whether a policy itself is valid.</summary>
public static class PolicyRules
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Every rule of every policy the registration breaks, each naming the field, the rule and the policy.</summary>
    public static IReadOnlyList<string> Violations(ClusterRegistration registration, IEnumerable<OnboardingPolicy> policies)
    {
        var violations = new List<string>();
        var spec = registration.Spec;
        foreach (var policy in policies.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var rules = policy.Spec;
            var source = $"(OnboardingPolicy {policy.Metadata.Name})";
            if (!string.IsNullOrEmpty(rules.ClusterNamePattern) && !NameMatches(rules.ClusterNamePattern, registration.Metadata.Name))
                violations.Add($"metadata.name: '{registration.Metadata.Name}' does not match the pattern {rules.ClusterNamePattern} {source}");

            foreach (var key in rules.RequiredLabels ?? [])
            {
                if (spec.Labels?.ContainsKey(key) != true) violations.Add($"spec.labels: the required label '{key}' is missing {source}");
            }

            if (rules.AllowedProviders is { Count: > 0 } providers && !providers.Contains(spec.Provider ?? ""))
                violations.Add($"spec.provider: '{spec.Provider}' is not one of {string.Join(", ", providers)} {source}");

            if (rules.AllowedRegions is { Count: > 0 } regions && !regions.Contains(spec.Region ?? ""))
                violations.Add($"spec.region: '{spec.Region}' is not one of {string.Join(", ", regions)} {source}");

            if (KubernetesVersion.TryParse(rules.MinKubernetesVersion, out var minimum))
            {
                if (!KubernetesVersion.TryParse(spec.KubernetesVersion, out var actual))
                    violations.Add($"spec.kubernetesVersion: is required to check the minimum version {rules.MinKubernetesVersion} {source}");
                else if (actual < minimum)
                    violations.Add($"spec.kubernetesVersion: {spec.KubernetesVersion} is older than the minimum {rules.MinKubernetesVersion} {source}");
            }
        }

        return violations;
    }

    /// <summary>Compliant registrations need no approver when any policy auto-accepts.</summary>
    public static bool AutoAccepts(IReadOnlyCollection<OnboardingPolicy> policies, IReadOnlyList<string> violations) =>
        violations.Count == 0 && policies.Any(p => p.Spec.AutoAccept == true);

    /// <summary>Problems with a policy itself, each naming its field.</summary>
    public static IReadOnlyList<string> Problems(OnboardingPolicy policy)
    {
        var problems = new List<string>();
        var rules = policy.Spec;
        if (!string.IsNullOrEmpty(rules.ClusterNamePattern))
        {
            try
            {
                _ = new Regex(rules.ClusterNamePattern, RegexOptions.None, PatternTimeout);
            }
            catch (ArgumentException e)
            {
                problems.Add($"spec.clusterNamePattern: '{rules.ClusterNamePattern}' is not a valid regular expression ({e.Message.ReplaceLineEndings(" ")})");
            }
        }

        if (rules.MinKubernetesVersion is not null && !KubernetesVersion.TryParse(rules.MinKubernetesVersion, out _))
            problems.Add($"spec.minKubernetesVersion: '{rules.MinKubernetesVersion}' is not a version such as v1.20.0");

        foreach (var (key, index) in (rules.RequiredLabels ?? []).Select((k, i) => (k, i)))
        {
            if (KubeNames.LabelKeyProblem(key) is { } problem) problems.Add($"spec.requiredLabels[{index}]: {problem}");
        }

        foreach (var (list, field) in new[] { (rules.AllowedProviders, "allowedProviders"), (rules.AllowedRegions, "allowedRegions") })
        {
            foreach (var (value, index) in (list ?? []).Select((v, i) => (v, i)))
            {
                if (string.IsNullOrWhiteSpace(value)) problems.Add($"spec.{field}[{index}]: must not be empty");
            }
        }

        return problems;
    }

    private static bool NameMatches(string pattern, string name)
    {
        try
        {
            return Regex.IsMatch(name, $"^(?:{pattern})$", RegexOptions.None, PatternTimeout);
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
