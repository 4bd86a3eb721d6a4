using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Diagnostics;

/// <summary>Every log line of the operator runtime, with its stable event id (1000-1999).</summary>
public static partial class OperatorLog
{
    [LoggerMessage(1001, LogLevel.Information, "Watch of {Resource} from resourceVersion {ResourceVersion} is too old (410 Gone); listing again")]
    public static partial void WatchTooOld(this ILogger logger, string resource, string? resourceVersion);

    [LoggerMessage(1002, LogLevel.Error, "Handler of {Resource} failed on {Change} {Key}")]
    public static partial void WatchHandlerFailed(this ILogger logger, Exception error, string resource, string change, string key);

    [LoggerMessage(1003, LogLevel.Warning, "Watch of {Resource} failed; retrying in {Delay} (failure {Failures} in a row)")]
    public static partial void WatchFailed(this ILogger logger, Exception error, string resource, TimeSpan delay, int failures);

    [LoggerMessage(1004, LogLevel.Debug, "Watch of {Resource} failed again; retrying in {Delay} (failure {Failures} in a row)")]
    public static partial void WatchFailedAgain(this ILogger logger, Exception error, string resource, TimeSpan delay, int failures);

    [LoggerMessage(1010, LogLevel.Information, "Controller {Controller} started with {Workers} worker(s)")]
    public static partial void ControllerStarted(this ILogger logger, string controller, int workers);

    [LoggerMessage(1011, LogLevel.Information, "Controller {Controller} stopped")]
    public static partial void ControllerStopped(this ILogger logger, string controller);

    [LoggerMessage(1012, LogLevel.Debug, "Reconciled {Kind} {Key} in {Duration}")]
    public static partial void Reconciled(this ILogger logger, string kind, string key, TimeSpan duration);

    [LoggerMessage(1013, LogLevel.Information, "{Kind} {Key}: {Reason}; checking again in {Delay}")]
    public static partial void ReconcileWaiting(this ILogger logger, string kind, string key, string? reason, TimeSpan delay);

    [LoggerMessage(1014, LogLevel.Warning, "Reconcile of {Kind} {Key} failed: {Reason}; retrying in {Delay}")]
    public static partial void ReconcileFailed(this ILogger logger, Exception? error, string kind, string key, string? reason, TimeSpan delay);

    [LoggerMessage(1015, LogLevel.Information, "{Kind} {Key} changed while being reconciled; retrying in {Delay}")]
    public static partial void ReconcileConflict(this ILogger logger, string kind, string key, TimeSpan delay);

    [LoggerMessage(1016, LogLevel.Error, "Reconcile of {Kind} {Key} threw; retrying in {Delay}")]
    public static partial void ReconcileThrew(this ILogger logger, Exception error, string kind, string key, TimeSpan delay);

    [LoggerMessage(1017, LogLevel.Information, "Finalizer {Finalizer} released {Kind} {Key}")]
    public static partial void FinalizerReleased(this ILogger logger, string finalizer, string kind, string key);

    [LoggerMessage(1018, LogLevel.Error, "Controller {Controller} stopped unexpectedly")]
    public static partial void ControllerCrashed(this ILogger logger, Exception error, string controller);

    [LoggerMessage(1030, LogLevel.Debug, "Event {Reason} on {Kind} {Name} dropped by the rate limit")]
    public static partial void EventDropped(this ILogger logger, string reason, string? kind, string? name);

    [LoggerMessage(1032, LogLevel.Warning, "Event {Reason} on {Kind} {Name} dropped: {Capacity} events are already waiting to be written")]
    public static partial void EventQueueFull(this ILogger logger, string reason, string? kind, string? name, int capacity);

    [LoggerMessage(1031, LogLevel.Warning, "Could not record event {Reason} on {Kind} {Name}")]
    public static partial void EventNotRecorded(this ILogger logger, Exception error, string reason, string? kind, string? name);

    [LoggerMessage(1050, LogLevel.Information, "{Identity} became the leader ({Namespace}/{Lease})")]
    public static partial void BecameLeader(this ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1051, LogLevel.Warning, "{Identity} lost the leadership ({Namespace}/{Lease}); work stopped, campaigning again")]
    public static partial void LostLeadership(this ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1052, LogLevel.Information, "Leader election for {Lease} works again after {Failures} failed attempts")]
    public static partial void LeaderElectionRecovered(this ILogger logger, string lease, int failures);

    [LoggerMessage(1053, LogLevel.Warning, "Leader election for {Lease} failed; retrying with backoff")]
    public static partial void LeaderElectionFailed(this ILogger logger, Exception error, string lease);

    [LoggerMessage(1054, LogLevel.Debug, "Leader election for {Lease} failed again ({Failures})")]
    public static partial void LeaderElectionFailedAgain(this ILogger logger, Exception error, string lease, int failures);

    [LoggerMessage(1055, LogLevel.Debug, "Renewing {Lease} failed")]
    public static partial void LeaseRenewalFailed(this ILogger logger, Exception error, string lease);

    [LoggerMessage(1056, LogLevel.Information, "{Identity} stopped and released the leadership ({Namespace}/{Lease})")]
    public static partial void LeaseReleased(this ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(1057, LogLevel.Warning, "Could not release {Namespace}/{Lease} while stopping; it expires after its duration")]
    public static partial void LeaseReleaseFailed(this ILogger logger, Exception error, string @namespace, string lease);

    [LoggerMessage(1070, LogLevel.Error, "Validation webhook {Webhook} failed on {Operation} {Name}")]
    public static partial void WebhookFailed(this ILogger logger, Exception error, string webhook, string? operation, string? name);
}
