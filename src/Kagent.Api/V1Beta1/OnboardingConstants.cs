namespace Kagent.Api.V1Beta1;

/// <summary>Phases, conditions, reasons, names and identities of onboarding.</summary>
public static class OnboardingConstants
{
    public const string PhasePending = "Pending";
    public const string PhaseAccepted = "Accepted";
    public const string PhaseRegistered = "Registered";
    public const string PhaseDenied = "Denied";
    public const string PhaseDeregistering = "Deregistering";

    public const string ConditionAccepted = "Accepted";
    public const string ConditionPolicyCompliant = "PolicyCompliant";
    public const string ConditionRegistered = "Registered";

    /// <summary>True once the agent's control-plane client certificate has expired (the agent can no longer reach the control plane).</summary>
    public const string ConditionDegraded = "Degraded";

    public const string ReasonApproved = "Approved";
    public const string ReasonAutoAccepted = "AutoAccepted";
    public const string ReasonAwaitingApproval = "AwaitingApproval";
    public const string ReasonCompliant = "Compliant";
    public const string ReasonPolicyViolation = "PolicyViolation";
    public const string ReasonClusterCreated = "ClusterCreated";
    public const string ReasonClusterUpdated = "ClusterUpdated";
    public const string ReasonClusterNameTaken = "ClusterNameTaken";
    public const string ReasonNotAccepted = "NotAccepted";
    public const string ReasonDeregistering = "Deregistering";
    public const string ReasonCertificateValid = "ClientCertificateValid";
    public const string ReasonCertificateExpiresSoon = "ClientCertificateExpiresSoon";
    public const string ReasonCertificateExpired = "ClientCertificateExpired";

    /// <summary>On a ClusterRegistration: when its agent's control-plane client certificate ends (RFC 3339), written by the agent.</summary>
    public const string ClientCertificateExpiryAnnotation = "kagent.io/client-certificate-expiry";

    /// <summary>Runs before a ClusterRegistration goes: removes its Karmada Cluster and heartbeat Lease.</summary>
    public const string DeregisterFinalizer = "kagent.io/deregister";

    /// <summary>On a Karmada Cluster: the ClusterRegistration it was created for.</summary>
    public const string RegistrationLabel = "kagent.io/registration";

    /// <summary>The verb a SubjectAccessReview checks before someone sets spec.accepted: true.</summary>
    public const string ApproveVerb = "approve";

    /// <summary>
    /// Agents authenticate as system:karmada:agent:&lt;cluster&gt; in this group: Karmada's own agent identity, the subject
    /// of the certificates karmadactl register obtains, so that an agent can switch between karmada-agent and Kagent.
    /// </summary>
    public const string AgentGroup = "system:karmada:agents";

    public const string AgentUserPrefix = "system:karmada:agent:";

    /// <summary>Kagent's earlier agent identity (system:kagent:agent:&lt;cluster&gt;), still granted while agents move to Karmada's.</summary>
    public const string LegacyAgentGroup = "system:kagent:agents";

    public const string LegacyAgentUserPrefix = "system:kagent:agent:";

    public const string Plural = "clusterregistrations";

    /// <summary>
    /// The extra group of the bootstrap tokens kagent token create makes. Unlike Karmada's token group it may not
    /// create certificatesigningrequests/clusteragent, so Karmada's agentcsrapproving never approves its requests:
    /// only the hub does, by policy.
    /// </summary>
    public const string BootstrapGroup = "system:bootstrappers:kagent:default-cluster-token";

    /// <summary>The extra group of karmadactl token create's tokens; Kagent's join takes them too.</summary>
    public const string KarmadaBootstrapGroup = "system:bootstrappers:karmada:default-cluster-token";

    /// <summary>
    /// On a ClusterRegistration: the user that created it, set by the creator and checked by admission. The hub
    /// approves a bootstrap token's certificate request for a cluster only when that token asked for its registration.
    /// </summary>
    public const string RequestedByAnnotation = "kagent.io/requested-by";

    /// <summary>On an agent's CertificateSigningRequest: the member's cluster id, matched against its ClusterRegistration's.</summary>
    public const string ClusterIdAnnotation = "kagent.io/cluster-id";

    /// <summary>The signer of agents' client certificates (kube-controller-manager's csrsigning signs it).</summary>
    public const string ClientSigner = "kubernetes.io/kube-apiserver-client";

    /// <summary>Usages an agent's certificate may ask for, as Karmada's approver accepts them: with key encipherment (RSA) or without.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> AgentCertificateUsages =
        [["digital signature", "key encipherment", "client auth"], ["digital signature", "client auth"]];

    public static string AgentUserFor(string cluster) => AgentUserPrefix + cluster;

    /// <summary>Every user name an agent of the cluster may authenticate as: Karmada's, then Kagent's earlier one.</summary>
    public static IReadOnlyList<string> AgentUsersFor(string cluster) => [AgentUserPrefix + cluster, LegacyAgentUserPrefix + cluster];

    /// <summary>The leader-election Lease of a cluster's agent replicas (in karmada-system, as karmada-agent's).</summary>
    public static string AgentLeaderLeaseFor(string cluster) => $"kagent-agent-{cluster}";
}
