namespace Kagent.Hub;

/// <summary>Every log line of the hub role (onboarding, certificates, the aggregated API), with its stable event id (3000-3999).</summary>
internal static partial class HubLog
{
    [LoggerMessage(3001, LogLevel.Information, "OnboardingPolicy {Policy} {Change}; checking every registration again")]
    public static partial void PolicyChanged(this ILogger logger, string policy, string change);

    [LoggerMessage(3002, LogLevel.Information, "Deregistered cluster {Cluster}: Karmada Cluster, heartbeat Lease and the agent's permissions removed")]
    public static partial void Deregistered(this ILogger logger, string cluster);

    [LoggerMessage(3003, LogLevel.Information, "Approved CertificateSigningRequest {Name} of {Requester} for cluster {Cluster}")]
    public static partial void JoinRequestApproved(this ILogger logger, string name, string requester, string cluster);

    [LoggerMessage(3004, LogLevel.Warning, "Not approving CertificateSigningRequest {Name} of {Requester}: {Reason}")]
    public static partial void JoinRequestNotApproved(this ILogger logger, string name, string requester, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Serving the self-signed certificate from Secret {Namespace}/{Name} (expires {NotAfter})")]
    public static partial void ServingSelfSigned(this ILogger logger, string @namespace, string name, DateTime notAfter);

    [LoggerMessage(3011, LogLevel.Warning, "Could not obtain the self-signed serving certificate; retrying in {Delay}")]
    public static partial void SelfSignedUnavailable(this ILogger logger, Exception error, TimeSpan delay);

    [LoggerMessage(3012, LogLevel.Warning, "Checking the self-signed certificates failed; serving the current one and retrying")]
    public static partial void SelfSignedCheckFailed(this ILogger logger, Exception error);

    [LoggerMessage(3013, LogLevel.Information, "Wrote {What} to Secret {Namespace}/{Name}")]
    public static partial void CertificatesWritten(this ILogger logger, string what, string @namespace, string name);

    [LoggerMessage(3014, LogLevel.Information, "Injected the CA bundle into {Target}")]
    public static partial void CaBundleInjected(this ILogger logger, string target);

    [LoggerMessage(3015, LogLevel.Information, "{Target} does not exist yet; its caBundle is set once it does")]
    public static partial void CaBundleTargetMissing(this ILogger logger, string target);

    [LoggerMessage(3016, LogLevel.Warning, "Could not inject the CA bundle of {File}; retrying")]
    public static partial void CaBundleFileInjectionFailed(this ILogger logger, Exception error, string file);

    [LoggerMessage(3040, LogLevel.Information, "Published ClusterProfile {Namespace}/{Name}")]
    public static partial void ProfileCreated(this ILogger logger, string @namespace, string name);

    [LoggerMessage(3041, LogLevel.Information, "Deleted ClusterProfile {Namespace}/{Name}: its Karmada Cluster is gone")]
    public static partial void ProfileDeleted(this ILogger logger, string @namespace, string name);

    [LoggerMessage(3042, LogLevel.Debug, "ClusterProfile {Namespace}/{Name} belongs to cluster manager '{Manager}'; left alone")]
    public static partial void ProfileOwnedByOther(this ILogger logger, string @namespace, string name, string manager);

    [LoggerMessage(3020, LogLevel.Information, "A watch of clusterhealths fell behind and was ended; its client lists again")]
    public static partial void WatchFellBehind(this ILogger logger);

    [LoggerMessage(3021, LogLevel.Information, "Serving the health of {Count} clusters")]
    public static partial void ServingHealth(this ILogger logger, int count);

    [LoggerMessage(3022, LogLevel.Warning, "Readiness Events fell behind the changes of cluster health; continuing from the current state")]
    public static partial void ReadinessEventsBehind(this ILogger logger);

    [LoggerMessage(3030, LogLevel.Warning, "SubjectAccessReview for {User} {Verb} {Resource} failed")]
    public static partial void AccessReviewFailed(this ILogger logger, Exception error, string user, string verb, string resource);

    [LoggerMessage(3031, LogLevel.Warning, "{Namespace}/{Name} has no requestheader-client-ca-file: kube-apiserver runs without --requestheader-client-ca-file, so no front proxy can be authenticated")]
    public static partial void NoFrontProxyCa(this ILogger logger, string @namespace, string name);

    [LoggerMessage(3032, LogLevel.Information, "Front proxy: {Count} client CA certificate(s), allowed names [{AllowedNames}]")]
    public static partial void FrontProxySettings(this ILogger logger, int count, string allowedNames);

    [LoggerMessage(3033, LogLevel.Warning, "{Namespace}/{Name} is not readable; keeping the previous front-proxy settings")]
    public static partial void FrontProxySettingsUnreadable(this ILogger logger, Exception error, string @namespace, string name);

    [LoggerMessage(3034, LogLevel.Debug, "Refused a request to the aggregated API: {Reason}")]
    public static partial void RequestRefused(this ILogger logger, string reason);

    [LoggerMessage(3050, LogLevel.Warning, "Could not renew the observation Lease {Namespace}/{Name}: {Error}; retrying")]
    public static partial void ObservationMarkerFailed(this ILogger logger, string @namespace, string name, string error);

    [LoggerMessage(3051, LogLevel.Information, "Recording availability history; nobody observed the fleet since {Since}, recorded as unobserved")]
    public static partial void ObservationGap(this ILogger logger, DateTime since);

    [LoggerMessage(3052, LogLevel.Information, "Recording availability history of {Count} clusters")]
    public static partial void RecordingAvailability(this ILogger logger, int count);

    [LoggerMessage(3053, LogLevel.Warning, "Could not record the availability of cluster {Cluster}; retrying with its next change")]
    public static partial void AvailabilityWriteFailed(this ILogger logger, Exception error, string cluster);

    [LoggerMessage(3054, LogLevel.Warning, "Availability history fell behind the changes of cluster health; catching up from the current state")]
    public static partial void AvailabilityBehind(this ILogger logger);
}
