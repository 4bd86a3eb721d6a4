namespace Kagent.Agent;

/// <summary>Every log line of the agent role, with its stable event id (2000-2999).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(2001, LogLevel.Information, "Exporting the member's Warning events to {Namespace} in the control plane, at most {Qps}/s (burst {Burst})")]
    public static partial void EventExportStarted(this ILogger logger, string @namespace, double qps, int burst);

    [LoggerMessage(2002, LogLevel.Information, "Exporting events to {Namespace} again")]
    public static partial void EventExportResumed(this ILogger logger, string @namespace);

    [LoggerMessage(2003, LogLevel.Warning, "Namespace {Namespace} does not exist in the control plane (Karmada creates it for each cluster); events are kept and exported once it does")]
    public static partial void EventNamespaceMissing(this ILogger logger, string @namespace);

    [LoggerMessage(2004, LogLevel.Warning, "Exporting an event to the control plane failed; retrying with backoff")]
    public static partial void EventExportFailed(this ILogger logger, Exception error);

    [LoggerMessage(2010, LogLevel.Information, "Heartbeat started: Lease {Namespace}/{Name}, duration {Duration}, renewed every {Interval}")]
    public static partial void HeartbeatStarted(this ILogger logger, string @namespace, string name, TimeSpan duration, TimeSpan interval);

    [LoggerMessage(2011, LogLevel.Warning, "Karmada Cluster {Cluster} is gone (deregistered); heartbeat stopped until the agent restarts")]
    public static partial void HeartbeatClusterGone(this ILogger logger, string cluster);

    [LoggerMessage(2012, LogLevel.Information, "Heartbeat renewed again after failures")]
    public static partial void HeartbeatRecovered(this ILogger logger);

    [LoggerMessage(2013, LogLevel.Warning, "Heartbeat renewal failed; retrying with backoff")]
    public static partial void HeartbeatFailed(this ILogger logger, Exception error);

    [LoggerMessage(2020, LogLevel.Warning, "ClusterRegistration {Cluster} was deleted; the agent will not register again until it restarts")]
    public static partial void RegistrationDeleted(this ILogger logger, string cluster);

    [LoggerMessage(2021, LogLevel.Information, "Cluster {Cluster} is registered (id {ClusterId}, Karmada Cluster uid {ClusterUid})")]
    public static partial void Registered(this ILogger logger, string cluster, string clusterId, string? clusterUid);

    [LoggerMessage(2022, LogLevel.Information, "Waiting for cluster {Cluster} to be registered: phase {Phase}; {Reason}")]
    public static partial void RegistrationWaiting(this ILogger logger, string cluster, string phase, string reason);

    [LoggerMessage(2023, LogLevel.Warning, "Registration of cluster {Cluster} was refused: {Reason}; trying again in {Delay}")]
    public static partial void RegistrationRefused(this ILogger logger, string cluster, string reason, TimeSpan delay);

    [LoggerMessage(2024, LogLevel.Warning, "Registration of cluster {Cluster} failed; trying again in {Delay}")]
    public static partial void RegistrationFailed(this ILogger logger, Exception error, string cluster, TimeSpan delay);

    [LoggerMessage(2025, LogLevel.Information, "Creating ClusterRegistration {Cluster} (id {ClusterId}, {KubernetesVersion})")]
    public static partial void RegistrationCreating(this ILogger logger, string cluster, string clusterId, string? kubernetesVersion);

    [LoggerMessage(2026, LogLevel.Information, "Updating ClusterRegistration {Cluster} from the agent's flags")]
    public static partial void RegistrationUpdating(this ILogger logger, string cluster);

    [LoggerMessage(2040, LogLevel.Information, "Caches synced: {Nodes} nodes, {Pods} pods")]
    public static partial void StatusCachesSynced(this ILogger logger, int nodes, int pods);

    [LoggerMessage(2041, LogLevel.Warning, "Karmada Cluster {Cluster} is gone (deregistered); status reporting stopped until the agent restarts")]
    public static partial void StatusClusterGone(this ILogger logger, string cluster);

    [LoggerMessage(2042, LogLevel.Information, "First complete status of {Cluster} written {Elapsed} after start: {Nodes} nodes ({Ready} ready), {Pods} pods allocated")]
    public static partial void FirstCompleteStatus(this ILogger logger, string cluster, TimeSpan elapsed, int? nodes, int? ready, string pods);

    [LoggerMessage(2043, LogLevel.Warning, "Cluster status of {Cluster} not written")]
    public static partial void StatusNotWritten(this ILogger logger, Exception error, string cluster);

    [LoggerMessage(2044, LogLevel.Warning, "Cluster {Cluster} health: {Outcome} ({Detail})")]
    public static partial void HealthChanged(this ILogger logger, string cluster, string outcome, string detail);

    [LoggerMessage(2045, LogLevel.Debug, "Version of {Cluster} not read this time")]
    public static partial void VersionNotRead(this ILogger logger, Exception error, string cluster);

    [LoggerMessage(2046, LogLevel.Debug, "Status of {Cluster} unchanged; not written")]
    public static partial void StatusUnchanged(this ILogger logger, string cluster);

    [LoggerMessage(2047, LogLevel.Debug, "Status of {Cluster} written")]
    public static partial void StatusWritten(this ILogger logger, string cluster);

    [LoggerMessage(2048, LogLevel.Information, "Metadata of {Cluster} discovered: provider {Provider}, region {Region}, zones {Zones}, distribution {Distribution}")]
    public static partial void MetadataDiscovered(this ILogger logger, string cluster, string provider, string region, string zones, string distribution);

    [LoggerMessage(2049, LogLevel.Warning, "Discovered metadata of {Cluster} not written to its ClusterRegistration; tried again next round")]
    public static partial void MetadataNotReported(this ILogger logger, Exception error, string cluster);

    [LoggerMessage(2050, LogLevel.Information, "Signal conditions of {Cluster} set Unknown as the agent stops")]
    public static partial void SignalsMarkedStopped(this ILogger logger, string cluster);

    [LoggerMessage(2060, LogLevel.Information, "Resource interpreter customizations for {Kinds} kind(s): {Targets}")]
    public static partial void CustomizationsLoaded(this ILogger logger, int kinds, string targets);

    [LoggerMessage(2070, LogLevel.Information, "Watching Karmada-managed {Resource} in the member")]
    public static partial void WatchingManaged(this ILogger logger, string resource);

    [LoggerMessage(2080, LogLevel.Information, "Renewing the control-plane client certificate ({Subject}, valid until {NotAfter}): filed CertificateSigningRequest {Name}")]
    public static partial void CertificateRenewalRequested(this ILogger logger, string name, string subject, DateTime notAfter);

    [LoggerMessage(2081, LogLevel.Information, "CertificateSigningRequest {Name} waits for approval (Karmada's agentcsrapproving approves an agent's own renewal; else: kubectl certificate approve {Name})")]
    public static partial void CertificateRenewalWaiting(this ILogger logger, string name);

    [LoggerMessage(2082, LogLevel.Information, "Renewed the control-plane client certificate from CertificateSigningRequest {Name}: serial {Serial}, valid until {NotAfter}; connections use it now")]
    public static partial void CertificateRenewed(this ILogger logger, string name, string serial, DateTime notAfter);

    [LoggerMessage(2083, LogLevel.Warning, "CertificateSigningRequest {Name} gave no certificate: {Reason}; the next check files another")]
    public static partial void CertificateRenewalRefused(this ILogger logger, string name, string reason);

    [LoggerMessage(2084, LogLevel.Warning, "Could not renew the control-plane client certificate: {Error}; retrying at the next check")]
    public static partial void CertificateNotRenewed(this ILogger logger, Exception exception, string error);

    [LoggerMessage(2085, LogLevel.Warning, "Could not write the client certificate's expiry on ClusterRegistration {Cluster}: {Error}; retrying")]
    public static partial void CertificateExpiryNotReported(this ILogger logger, string cluster, string error);
}
