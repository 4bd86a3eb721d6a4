namespace Kagent.Configuration;

/// <summary>
/// The agent renewing its own control-plane client certificate (karmada-agent's certRotation controller and its
/// flags, on by default here): checked every <see cref="CheckingInterval"/>, renewed by a CSR once less than
/// <see cref="RemainingTimeThreshold"/> of its lifetime is left, and stored in the Secret its kubeconfig is mounted from.
/// </summary>
public sealed record CertRotationOptions
{
    public static CertRotationOptions Default { get; } = new();

    /// <summary>--controllers includes certRotation (it does by default).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>karmada-agent's --cert-rotation-checking-interval.</summary>
    public TimeSpan CheckingInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>karmada-agent's --cert-rotation-remaining-time-threshold: the share of the lifetime left at which to renew.</summary>
    public double RemainingTimeThreshold { get; init; } = 0.2;

    /// <summary>karmada-agent's --karmada-kubeconfig-namespace: where the Secret holding the control-plane kubeconfig is, in the member.</summary>
    public string SecretNamespace { get; init; } = "kagent-system";

    /// <summary>The Secret (config/agent's kagent-karmada-kubeconfig); its key is the kubeconfig's file name.</summary>
    public string SecretName { get; init; } = "kagent-karmada-kubeconfig";
}
