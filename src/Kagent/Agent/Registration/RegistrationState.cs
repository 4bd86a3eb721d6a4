namespace Kagent.Agent.Registration;

/// <summary>What the agent knows of its own registration; later loops (heartbeat, status) wait on it.</summary>
public sealed class RegistrationState
{
    private readonly TaskCompletionSource<string> _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Phase { get; private set; }

    public string? ClusterId { get; private set; }

    /// <summary>Completes with the Karmada Cluster's UID once the registration is Registered.</summary>
    public Task<string> Registered => _registered.Task;

    public void Observe(string? phase, string clusterId, string? clusterUid)
    {
        Phase = phase;
        ClusterId = clusterId;
        if (phase == Api.V1Beta1.OnboardingConstants.PhaseRegistered && clusterUid is not null) _registered.TrySetResult(clusterUid);
    }
}
