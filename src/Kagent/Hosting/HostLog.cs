namespace Kagent.Hosting;

/// <summary>Every log line of the shared host and the API server connections, with its stable event id (4000-4999).</summary>
internal static partial class HostLog
{
    [LoggerMessage(4001, LogLevel.Information, "kagent {Role} {Version} started; metrics on {MetricsAddress}, health probes on {HealthAddress}")]
    public static partial void Started(this ILogger logger, string role, string version, string metricsAddress, string healthAddress);

    [LoggerMessage(4002, LogLevel.Information, "Serving certificate reloaded from {CertificateFile} (expires {NotAfter})")]
    public static partial void CertificateReloaded(this ILogger logger, string certificateFile, DateTime notAfter);

    [LoggerMessage(4003, LogLevel.Warning, "Serving certificate not reloaded")]
    public static partial void CertificateNotReloaded(this ILogger logger, Exception error);

    [LoggerMessage(4010, LogLevel.Information, "Connected to {Cluster} API server {Host} ({KubernetesVersion})")]
    public static partial void Connected(this ILogger logger, string cluster, string host, string? kubernetesVersion);

    [LoggerMessage(4011, LogLevel.Warning, "Cannot reach {Cluster} API server {Host}: {Reason}; retrying with backoff")]
    public static partial void Unreachable(this ILogger logger, string cluster, string host, string? reason);

    [LoggerMessage(4012, LogLevel.Information, "Picked up new credentials for the {Cluster} API server from {Path}: {Credential}; connections move to them within {Grace}")]
    public static partial void CredentialsReloaded(this ILogger logger, string cluster, string path, string credential, TimeSpan grace);

    [LoggerMessage(4013, LogLevel.Warning, "The kubeconfig of the {Cluster} API server changed but is not used: {Problem}; keeping the current credentials")]
    public static partial void CredentialsNotReloaded(this ILogger logger, string cluster, string problem);

    [LoggerMessage(4014, LogLevel.Warning, "The client certificate for the {Cluster} API server ({Subject}) expires at {NotAfter}; put a renewed one in its kubeconfig ({Path})")]
    public static partial void ClientCertificateExpiring(this ILogger logger, string cluster, string subject, DateTime notAfter, string path);

    [LoggerMessage(4015, LogLevel.Error, "The client certificate for the {Cluster} API server ({Subject}) expired at {NotAfter}; the server refuses new connections until its kubeconfig ({Path}) holds a valid one")]
    public static partial void ClientCertificateExpired(this ILogger logger, string cluster, string subject, DateTime notAfter, string path);

    [LoggerMessage(4020, LogLevel.Trace, "{Cluster} {Verb} {Path} {Code} in {Duration}")]
    public static partial void ClientRequest(this ILogger logger, string cluster, string verb, string path, string code, TimeSpan duration);

    [LoggerMessage(4021, LogLevel.Trace, "Served {Method} {Path} {Code} in {Duration}")]
    public static partial void ServedRequest(this ILogger logger, string method, string path, int code, TimeSpan duration);
}
