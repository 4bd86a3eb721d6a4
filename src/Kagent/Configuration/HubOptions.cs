namespace Kagent.Configuration;

/// <summary>Everything `kagent hub` is configured with.</summary>
public sealed record HubOptions
{
    /// <summary>The defaults of --metrics-bind-address and --health-probe-bind-address (bound into <see cref="CommonOptions"/>).</summary>
    public const string DefaultMetricsBindAddress = ":8080";

    public const string DefaultHealthProbeBindAddress = ":8081";

    /// <summary>The defaults of --bind-address and --secure-port (bound into <see cref="SecureServing"/>).</summary>
    public const string DefaultBindAddress = "0.0.0.0";

    public const int DefaultSecurePort = 8443;

    /// <summary>karmada-apiserver: --karmada-kubeconfig, else --kubeconfig (the hub and the control plane in one cluster).</summary>
    public required KubeconfigSource ControlPlane { get; init; }

    /// <summary>The TLS endpoint of the admission webhooks (and the aggregated API); null when --secure-port is 0.</summary>
    public SecureServing? Secure { get; init; }

    public AggregationOptions Aggregation { get; init; } = new();

    /// <summary>SIG-Multicluster ClusterProfiles published for every Karmada Cluster.</summary>
    public Inventory.ClusterProfileOptions ClusterProfiles { get; init; } = new();

    public required CommonOptions Common { get; init; }
}

/// <summary>
/// A TLS listener and its serving certificate: PEM files (with, optionally, the CA file the hub injects into the
/// control plane), or self-signed certificates the hub keeps in a Secret.
/// </summary>
public sealed record SecureServing(BindAddress Address, string? CertificateFile, string? KeyFile, Hub.Certificates.SelfSignedCertificateOptions? SelfSigned = null, string? CaBundleFile = null);

/// <summary>The aggregated API (clusterhealths) on the hub's TLS endpoint.</summary>
public sealed record AggregationOptions
{
    /// <summary>From the --requestheader-* flags; null: read kube-system/extension-apiserver-authentication.</summary>
    public Aggregation.Security.RequestHeaderSettings? RequestHeader { get; init; }

    /// <summary>How long an allowed or denied SubjectAccessReview is reused (kube-apiserver's default: 10s).</summary>
    public TimeSpan AuthorizationCacheTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The readiness history served as clusterhealths' availability.</summary>
    public Aggregation.Availability.AvailabilityOptions Availability { get; init; } = new();
}
