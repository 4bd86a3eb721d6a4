namespace Kagent.Configuration;

/// <summary>Everything `kagent hub` is configured with.</summary>
public sealed record HubOptions
{
    public required KubeconfigSource ControlPlane { get; init; }

    /// <summary>The TLS endpoint of the admission webhooks (and the aggregated API); null when --secure-port is 0.</summary>
    public SecureServing? Secure { get; init; }

    public required CommonOptions Common { get; init; }
}

/// <summary>A TLS listener and the PEM files of its serving certificate.</summary>
public sealed record SecureServing(BindAddress Address, string CertificateFile, string KeyFile);
