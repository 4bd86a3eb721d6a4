using Kagent.Api.V1Beta1;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>Admission for OnboardingPolicies: a pattern that compiles, a version that parses, valid label keys.</summary>
public sealed class OnboardingPolicyWebhook : ValidationWebhook<OnboardingPolicy>
{
    public override Task<ValidationResult> CreateAsync(OnboardingPolicy entity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Validate(entity));

    public override Task<ValidationResult> UpdateAsync(OnboardingPolicy oldEntity, OnboardingPolicy newEntity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Validate(newEntity));

    private static ValidationResult Validate(OnboardingPolicy policy)
    {
        var problems = PolicyRules.Problems(policy);
        return problems.Count == 0 ? ValidationResult.Success() : ValidationResult.Fail(string.Join("; ", problems));
    }
}
