using k8s.Models;

namespace Kagent.Agent.Events;

/// <summary>How a member's event looks in the control plane.</summary>
public static class ExportedEvents
{
    public const string SourceClusterLabel = "kagent.io/source-cluster";
    public const string SourceNamespaceAnnotation = "kagent.io/source-namespace";
    public const string SourceEventAnnotation = "kagent.io/source-event";
    public const string SourceComponentAnnotation = "kagent.io/source-component";
    public const string Component = "kagent-agent";

    /// <summary>Karmada's execution namespace of a cluster, where its events are exported.</summary>
    public static string NamespaceFor(string cluster) => $"karmada-es-{cluster}";

    /// <summary>One name per distinct event, so that a restarted or new leader finds what was already exported.</summary>
    public static string NameFor(string cluster, string key) => $"{cluster}.{key}";

    /// <summary>
    /// The control-plane Event: the original reason, type, message and involved object (kube-apiserver requires the
    /// object's namespace to be the Event's, so the member namespace moves to an annotation and the message), labelled
    /// with the source cluster.
    /// </summary>
    public static Corev1Event Build(string cluster, PendingExport pending)
    {
        var source = pending.Latest;
        var original = source.InvolvedObject ?? new V1ObjectReference();
        var ns = NamespaceFor(cluster);
        var memberNamespace = source.Metadata?.NamespaceProperty;
        return new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = NameFor(cluster, pending.Key),
                NamespaceProperty = ns,
                Labels = new Dictionary<string, string> { [SourceClusterLabel] = cluster },
                Annotations = new Dictionary<string, string>
                {
                    [SourceNamespaceAnnotation] = memberNamespace ?? "",
                    [SourceEventAnnotation] = $"{memberNamespace}/{source.Metadata?.Name}",
                    [SourceComponentAnnotation] = source.Source?.Component ?? source.ReportingComponent ?? "",
                },
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = original.ApiVersion,
                Kind = original.Kind,
                Name = original.Name,
                Uid = original.Uid,
                FieldPath = original.FieldPath,
                NamespaceProperty = ns,
            },
            Type = source.Type,
            Reason = source.Reason,
            Message = MessageFor(cluster, memberNamespace, source.Message),
            Count = (int)Math.Min(int.MaxValue, pending.Count),
            FirstTimestamp = pending.FirstTimestamp,
            LastTimestamp = pending.LastTimestamp,
            Source = new V1EventSource { Component = Component, Host = cluster },
            ReportingComponent = Component,
            ReportingInstance = cluster,
        };
    }

    public static string MessageFor(string cluster, string? memberNamespace, string? message) =>
        string.IsNullOrEmpty(memberNamespace) ? $"[{cluster}] {message}" : $"[{cluster}/{memberNamespace}] {message}";
}
