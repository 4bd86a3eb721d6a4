using System.Net;
using k8s;
using k8s.Autorest;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Events;

namespace Kagent.Onboarding;

/// <summary>
/// Before a ClusterRegistration goes: deletes its Karmada Cluster and waits until it is gone (and, where Karmada is
/// removing it, the execution namespace karmada-es-&lt;cluster&gt;), removes the heartbeat Lease, the agent's roles
/// and its certificate requests, then lets go.
/// So no Cluster is left without its registration, and no registration disappears before its Cluster.
/// </summary>
public sealed class DeregistrationFinalizer(
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient client,
    KarmadaClusters clusters,
    AgentPermissions agentPermissions,
    EventRecorder events,
    ILogger<DeregistrationFinalizer> logger) : IEntityFinalizer<ClusterRegistration>
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public async Task<ReconciliationResult<ClusterRegistration>> FinalizeAsync(ClusterRegistration registration, CancellationToken cancellationToken)
    {
        var name = registration.Metadata.Name;
        await MarkDeregisteringAsync(registration, cancellationToken);

        if (!await clusters.DeleteAsync(registration, cancellationToken))
            return ReconciliationResult<ClusterRegistration>.Failure(registration, $"waiting for Karmada Cluster {name} to be deleted", requeueAfter: Poll);

        if (await ExecutionSpaceTerminatingAsync(name, cancellationToken))
            return ReconciliationResult<ClusterRegistration>.Failure(registration, $"waiting for Karmada to remove namespace {KarmadaConstants.ExecutionSpaceFor(name)}", requeueAfter: Poll);

        try
        {
            await client.CoordinationV1.DeleteNamespacedLeaseAsync(name, KarmadaConstants.ClusterNamespace, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }

        await agentPermissions.DeleteAsync(name, cancellationToken);
        await DeleteCertificateRequestsAsync(name, cancellationToken);
        logger.Deregistered(name);
        events.Normal(ObjectReferences.For(registration), "Deregistered", $"Karmada Cluster {name} and its heartbeat Lease were removed");
        return ReconciliationResult<ClusterRegistration>.Success(registration);
    }

    /// <summary>
    /// The cluster's agent certificate requests (joins and renewals, marked karmada.io/system as Karmada marks
    /// them): nothing of a deregistered cluster is left for an approver to act on.
    /// </summary>
    private async Task DeleteCertificateRequestsAsync(string name, CancellationToken cancellationToken)
    {
        var requests = await client.CertificatesV1.ListCertificateSigningRequestAsync(labelSelector: "karmada.io/system=true", cancellationToken: cancellationToken);
        foreach (var csr in requests.Items.Where(c => JoinRequestRules.ClusterOf(c.Spec.Request) == name))
        {
            try
            {
                await client.CertificatesV1.DeleteCertificateSigningRequestAsync(csr.Metadata.Name, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
            }
        }
    }

    private async Task<bool> ExecutionSpaceTerminatingAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var ns = await client.CoreV1.ReadNamespaceAsync(KarmadaConstants.ExecutionSpaceFor(name), cancellationToken: cancellationToken);
            return ns.Metadata.DeletionTimestamp is not null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task MarkDeregisteringAsync(ClusterRegistration registration, CancellationToken cancellationToken)
    {
        if (registration.Status.Phase == OnboardingConstants.PhaseDeregistering) return;
        registration.Status.Phase = OnboardingConstants.PhaseDeregistering;
        try
        {
            // Carry the new resourceVersion on, so that releasing the finalizer afterwards is not a conflict.
            var updated = await new EntityClient<ClusterRegistration>(client).ReplaceStatusAsync(registration, cancellationToken);
            registration.Metadata.ResourceVersion = updated.Metadata.ResourceVersion;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
        }
    }
}
