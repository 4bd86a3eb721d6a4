using System.Net;
using k8s.Autorest;
using Kagent.Api;
using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Entities;
using Kagent.Operator.Events;
using C = Kagent.Api.V1Beta1.OnboardingConstants;

namespace Kagent.Onboarding;

/// <summary>
/// Turns accepted, compliant ClusterRegistrations into Karmada Clusters; keeps the phase and the Accepted,
/// PolicyCompliant and Registered conditions current, with an Event for each phase transition, and Degraded from its
/// agent's client certificate (<see cref="CertificateExpiry"/>). A registration that stops complying after it
/// registered is marked, never torn down.
/// </summary>
public sealed class RegistrationController(
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient client,
    OnboardingCaches onboarding,
    KarmadaClusters clusters,
    AgentPermissions agentPermissions,
    EventRecorder events,
    ControllerTrigger<CertificateSigningRequest> joinRequests,
    TimeProvider time) : IEntityController<ClusterRegistration>
{
    public async Task<ReconciliationResult<ClusterRegistration>> ReconcileAsync(ClusterRegistration registration, CancellationToken cancellationToken)
    {
        await onboarding.Synced.WaitAsync(cancellationToken);

        // Before anything else, so that its agent can update its registration and, once registered, its heartbeat and status.
        await agentPermissions.EnsureAsync(registration.Metadata.Name, cancellationToken);
        var current = onboarding.Policies;
        var violations = PolicyRules.Violations(registration, current);
        var acceptedReason = registration.Spec.Accepted == true ? C.ReasonApproved
            : PolicyRules.AutoAccepts(current, violations) ? C.ReasonAutoAccepted
            : null;
        var wasRegistered = Conditions.IsTrue(registration.Status.Conditions, C.ConditionRegistered);

        var status = KubeJson.Clone(registration.Status);
        var now = time.GetUtcNow().UtcDateTime;
        var generation = registration.Metadata.Generation;
        status.Conditions = Conditions.Set(status.Conditions, C.ConditionPolicyCompliant, violations.Count == 0,
            violations.Count == 0 ? C.ReasonCompliant : C.ReasonPolicyViolation,
            violations.Count == 0 ? $"complies with {current.Count} OnboardingPolicy object(s)" : string.Join("; ", violations), generation, now);
        status.Conditions = Conditions.Set(status.Conditions, C.ConditionAccepted, acceptedReason is not null,
            acceptedReason ?? C.ReasonAwaitingApproval,
            acceptedReason switch
            {
                C.ReasonApproved => "approved: spec.accepted is true",
                C.ReasonAutoAccepted => "accepted by an auto-accepting OnboardingPolicy",
                _ => ApprovalHint(registration.Metadata.Name),
            }, generation, now);

        string message;
        if (violations.Count > 0 && !wasRegistered)
        {
            status.Phase = C.PhaseDenied;
            message = "not registered: " + string.Join("; ", violations);
            status.Conditions = Conditions.Set(status.Conditions, C.ConditionRegistered, false, C.ReasonPolicyViolation, message, generation, now);
        }
        else if (acceptedReason is null && !wasRegistered)
        {
            status.Phase = C.PhasePending;
            message = "waiting for approval; " + ApprovalHint(registration.Metadata.Name);
            status.Conditions = Conditions.Set(status.Conditions, C.ConditionRegistered, false, C.ReasonNotAccepted, message, generation, now);
        }
        else
        {
            var (outcome, cluster) = await clusters.EnsureAsync(registration, cancellationToken);
            if (outcome == ClusterSync.NameTaken)
            {
                status.Phase = C.PhaseDenied;
                message = $"a Karmada Cluster named {registration.Metadata.Name} already exists for another cluster (spec.id {cluster!.Spec.Id}); it is left alone";
                status.Conditions = Conditions.Set(status.Conditions, C.ConditionRegistered, false, C.ReasonClusterNameTaken, message, generation, now);
            }
            else
            {
                status.Phase = C.PhaseRegistered;
                message = $"Karmada Cluster {registration.Metadata.Name} (uid {cluster!.Metadata.Uid}) is registered in Pull mode";
                status.Conditions = Conditions.Set(status.Conditions, C.ConditionRegistered, true,
                    outcome == ClusterSync.Created ? C.ReasonClusterCreated : C.ReasonClusterUpdated, message, generation, now);
                status.ClusterUid = cluster.Metadata.Uid;
                status.RegisteredTime ??= now;
                if (outcome == ClusterSync.Created)
                    events.Normal(ObjectReferences.For(cluster), "Registered", $"registered by Kagent from ClusterRegistration {registration.Metadata.Name}");
            }
        }

        var certificate = CertificateExpiry.Judge(registration, now);
        if (certificate is not null)
        {
            var before = registration.Status.Conditions?.FirstOrDefault(c => c.Type == C.ConditionDegraded)?.Reason;
            status.Conditions = Conditions.Set(status.Conditions, C.ConditionDegraded, certificate.Degraded, certificate.Reason, certificate.Message, generation, now);
            if (before != certificate.Reason && certificate.Reason != C.ReasonCertificateValid)
                events.Warning(ObjectReferences.For(registration), certificate.Reason, certificate.Message);
        }

        status.ObservedGeneration = generation;
        if (status.Phase != registration.Status.Phase)
        {
            var type = status.Phase is C.PhaseDenied ? "Warning" : "Normal";
            events.Record(ObjectReferences.For(registration), type, status.Phase!, message);

            // A certificate request may have waited for this registration's acceptance.
            joinRequests.RequeueAll();
        }

        await WriteStatusAsync(registration, status, cancellationToken);
        return ReconciliationResult<ClusterRegistration>.Success(registration, certificate?.RecheckIn);
    }

    private async Task WriteStatusAsync(ClusterRegistration registration, ClusterRegistrationStatus status, CancellationToken cancellationToken)
    {
        if (KubeJson.SameOnWire(status, registration.Status)) return;
        registration.Status = status;
        try
        {
            await new EntityClient<ClusterRegistration>(client).ReplaceStatusAsync(registration, cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // A newer version (or the deletion) is on its way through the watch; it will be reconciled.
        }
    }

    public static string ApprovalHint(string name) =>
        $"a user allowed to '{C.ApproveVerb}' {C.Plural}.{KagentConstants.Group} approves with: " +
        $"kubectl patch clusterregistration {name} --type merge -p '{{\"spec\":{{\"accepted\":true}}}}'";

}
