using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;

namespace Kagent.Agent.Registration;

/// <summary>`kagent agent unregister`: deletes the cluster's registration and waits until the hub has deregistered it.</summary>
public static class Unregistration
{
    public static async Task<int> RunAsync(KubeClient karmada, string clusterName, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken)
    {
        var registrations = new EntityClient<ClusterRegistration>(karmada);
        if (!await registrations.DeleteAsync(clusterName, cancellationToken: cancellationToken))
        {
            await output.WriteLineAsync($"ClusterRegistration {clusterName} does not exist; nothing to do");
            return 0;
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
        return 0;
    }
}
