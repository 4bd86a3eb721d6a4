using System.Net;
using k8s;
using k8s.Autorest;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Registration;

/// <summary>The member Secret holding the agent's control-plane kubeconfig, which unregister deletes on request.</summary>
public sealed record MemberSecret(KubeconfigSource Member, string Namespace, string Name);

/// <summary>
/// `kagent agent unregister`: deletes the cluster's registration and waits until the hub has deregistered it (its
/// Cluster, Lease, grants and certificate requests); then, on request, deletes the agent's kubeconfig Secret.
/// </summary>
public static class Unregistration
{
    public static async Task<int> RunAsync(KubeClient karmada, string clusterName, TimeSpan timeout, MemberSecret? secret, TextWriter output, CancellationToken cancellationToken)
    {
        var registrations = new EntityClient<ClusterRegistration>(karmada);
        if (!await registrations.DeleteAsync(clusterName, cancellationToken: cancellationToken))
        {
            await output.WriteLineAsync($"ClusterRegistration {clusterName} does not exist; nothing to deregister");
            return await DeleteSecretAsync(secret, output, cancellationToken);
        }

        await output.WriteLineAsync($"ClusterRegistration {clusterName} deleted; waiting for the hub to remove the Karmada Cluster and heartbeat Lease");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? lastPhase = null;
        try
        {
            while (await registrations.GetAsync(clusterName, cancellationToken: deadline.Token) is { } registration)
            {
                if (registration.Status.Phase != lastPhase)
                {
                    await output.WriteLineAsync($"  phase: {registration.Status.Phase}");
                    lastPhase = registration.Status.Phase;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"kagent: cluster {clusterName} was not deregistered within {timeout.TotalSeconds:0}s; " +
                                               $"is kagent hub running? see: kubectl describe clusterregistration {clusterName}");
            return 1;
        }

        await output.WriteLineAsync($"Cluster {clusterName} is deregistered");
        return await DeleteSecretAsync(secret, output, cancellationToken);
    }

    private static async Task<int> DeleteSecretAsync(MemberSecret? secret, TextWriter output, CancellationToken cancellationToken)
    {
        if (secret is null) return 0;
        using var member = new KubeClient(KubeconfigLoader.Load(secret.Member));
        try
        {
            await member.CoreV1.DeleteNamespacedSecretAsync(secret.Name, secret.Namespace, cancellationToken: cancellationToken);
            await output.WriteLineAsync($"Secret {secret.Namespace}/{secret.Name} deleted from the member");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await output.WriteLineAsync($"Secret {secret.Namespace}/{secret.Name} does not exist in the member");
        }

        return 0;
    }
}
