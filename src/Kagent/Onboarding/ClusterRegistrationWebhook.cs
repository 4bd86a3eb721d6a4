using Kagent.Api;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>
/// Admission for ClusterRegistrations: shape, immutable and unique clusterID, onboarding policies, agents writing
/// only their own registration and never approving it, and approval only by users allowed to approve.
/// </summary>
public sealed class ClusterRegistrationWebhook(OnboardingCaches onboarding, ApprovalAuthorizer approvals) : ValidationWebhook<ClusterRegistration>
{
    public override async Task<ValidationResult> CreateAsync(ClusterRegistration entity, AdmissionContext context, CancellationToken cancellationToken) =>
        Deny(RegistrationRules.Problems(entity))
        ?? AgentProblem(entity, context, acceptedChanged: entity.Spec.Accepted == true)
        ?? await RequesterProblemAsync(entity, context, cancellationToken)
        ?? await ClusterIdProblemAsync(entity, cancellationToken)
        ?? await PolicyAndApprovalProblemAsync(entity, approving: entity.Spec.Accepted == true, context, cancellationToken)
        ?? ValidationResult.Success();

    public override async Task<ValidationResult> UpdateAsync(ClusterRegistration oldEntity, ClusterRegistration newEntity, AdmissionContext context, CancellationToken cancellationToken)
    {
        var acceptedChanged = oldEntity.Spec.Accepted != newEntity.Spec.Accepted;
        if (AgentProblem(newEntity, context, acceptedChanged) is { } agentProblem) return agentProblem;
        var requestedBy = RequestedBy(newEntity);
        if (requestedBy is not null && requestedBy != RequestedBy(oldEntity))
            return ValidationResult.Fail($"metadata.annotations[{OnboardingConstants.RequestedByAnnotation}]: is written only when the registration is created, by its creator");

        // Metadata-only writes (finalizers, labels) must pass even when a policy changed since: registrations
        // that no longer comply are marked, not locked.
        if (SameSpec(oldEntity, newEntity)) return ValidationResult.Success();

        if (!string.IsNullOrEmpty(oldEntity.Spec.ClusterId) && oldEntity.Spec.ClusterId != newEntity.Spec.ClusterId)
            return ValidationResult.Fail($"spec.clusterID: may not change once set (it is {oldEntity.Spec.ClusterId}; this request sets {newEntity.Spec.ClusterId ?? "nothing"}): " +
                                         "another cluster may not take over this registration's name");

        return Deny(RegistrationRules.Problems(newEntity))
               ?? await ClusterIdProblemAsync(newEntity, cancellationToken)
               ?? await PolicyAndApprovalProblemAsync(newEntity, approving: oldEntity.Spec.Accepted != true && newEntity.Spec.Accepted == true, context, cancellationToken)
               ?? ValidationResult.Success();
    }

    public override Task<ValidationResult> DeleteAsync(ClusterRegistration entity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(AgentProblem(entity, context, acceptedChanged: false) ?? ValidationResult.Success());

    private static ValidationResult? AgentProblem(ClusterRegistration entity, AdmissionContext context, bool acceptedChanged)
    {
        if (AgentIdentity.ClusterOf(context.User) is not { } cluster) return null;
        if (cluster != entity.Metadata.Name)
            return ValidationResult.Fail($"metadata.name: {context.User.Username} may write only its own ClusterRegistration" +
                                         (cluster.Length > 0 ? $" ('{cluster}'), not '{entity.Metadata.Name}'" : ""), 403);
        return acceptedChanged ? ValidationResult.Fail("spec.accepted: agents may not set it; an approver or an auto-accepting OnboardingPolicy does", 403) : null;
    }

    /// <summary>
    /// The requested-by annotation names the creator and nobody else; a bootstrap token must set it (the hub
    /// approves a token's certificate request only for the registration it asked for), and may not ask for a name
    /// someone else holds.
    /// </summary>
    private async Task<ValidationResult?> RequesterProblemAsync(ClusterRegistration entity, AdmissionContext context, CancellationToken cancellationToken)
    {
        var user = context.User.Username ?? "";
        var requestedBy = RequestedBy(entity);
        var field = $"metadata.annotations[{OnboardingConstants.RequestedByAnnotation}]";
        if (requestedBy is not null && requestedBy != user) return ValidationResult.Fail($"{field}: must be the creating user ({user}), not {requestedBy}", 403);
        if (!user.StartsWith(Join.BootstrapToken.UserPrefix, StringComparison.Ordinal)) return null;
        if (requestedBy is null) return ValidationResult.Fail($"{field}: a bootstrap token must name itself ({user}) here", 403);
        await onboarding.Synced.WaitAsync(cancellationToken);
        var existing = onboarding.Registrations.Items.FirstOrDefault(r => r.Metadata.Name == entity.Metadata.Name);
        return existing is null || RequestedBy(existing) == user ? null
            : ValidationResult.Fail($"metadata.name: cluster name {entity.Metadata.Name} is taken (ClusterRegistration {entity.Metadata.Name} was asked for by {RequestedBy(existing) ?? "another identity"}); " +
                                    "join with another --cluster-name; the cluster that holds it is left as it is", 403);
    }

    private static string? RequestedBy(ClusterRegistration registration) =>
        registration.Metadata.Annotations?.TryGetValue(OnboardingConstants.RequestedByAnnotation, out var value) == true ? value : null;

    private async Task<ValidationResult?> ClusterIdProblemAsync(ClusterRegistration entity, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(entity.Spec.ClusterId)) return null;
        await onboarding.Synced.WaitAsync(cancellationToken);
        var holder = onboarding.Registrations.Items.FirstOrDefault(r => r.Spec.ClusterId == entity.Spec.ClusterId && r.Metadata.Name != entity.Metadata.Name);
        return holder is null ? null
            : ValidationResult.Fail($"spec.clusterID: {entity.Spec.ClusterId} is already registered as '{holder.Metadata.Name}'; one cluster may hold one registration");
    }

    private async Task<ValidationResult?> PolicyAndApprovalProblemAsync(ClusterRegistration entity, bool approving, AdmissionContext context, CancellationToken cancellationToken)
    {
        await onboarding.Synced.WaitAsync(cancellationToken);
        var policies = onboarding.Policies;
        var violations = PolicyRules.Violations(entity, policies);
        if (violations.Count > 0) return Deny(violations);
        if (!approving || PolicyRules.AutoAccepts(policies, violations)) return null;
        return await approvals.MayApproveAsync(context.User, entity.Metadata.Name, cancellationToken)
            ? null
            : ValidationResult.Fail($"spec.accepted: {context.User.Username} may not approve cluster registrations " +
                                    $"(needs verb '{OnboardingConstants.ApproveVerb}' on {OnboardingConstants.Plural}.{KagentConstants.Group})", 403);
    }

    private static ValidationResult? Deny(IReadOnlyList<string> problems) =>
        problems.Count == 0 ? null : ValidationResult.Fail(string.Join("; ", problems));

    private static bool SameSpec(ClusterRegistration a, ClusterRegistration b) => KubeJson.SameOnWire(a.Spec, b.Spec);
}
