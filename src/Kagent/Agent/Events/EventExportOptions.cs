namespace Kagent.Agent.Events;

/// <summary>Which of the member's Warning events go to the control plane, and how fast.</summary>
public sealed record EventExportOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>Only these reasons; empty means every reason.</summary>
    public IReadOnlySet<string> Reasons { get; init; } = new HashSet<string>();

    /// <summary>Only events about these kinds (involvedObject.kind); empty means every kind.</summary>
    public IReadOnlySet<string> Kinds { get; init; } = new HashSet<string>();

    /// <summary>Only events in these member namespaces; empty means every namespace.</summary>
    public IReadOnlySet<string> Namespaces { get; init; } = new HashSet<string>();

    /// <summary>Sustained writes per second to the control plane.</summary>
    public double Qps { get; init; } = 5;

    /// <summary>Writes allowed at once before the rate applies.</summary>
    public int Burst { get; init; } = 20;

    /// <summary>Distinct events waiting to be written; past it, new distinct events are dropped (and counted) until the queue drains.</summary>
    public int MaxPending { get; init; } = 1000;

    public bool Matches(k8s.Models.Corev1Event e) =>
        e.Type == "Warning"
        && (Reasons.Count == 0 || (e.Reason is { } reason && Reasons.Contains(reason)))
        && (Kinds.Count == 0 || (e.InvolvedObject?.Kind is { } kind && Kinds.Contains(kind)))
        && (Namespaces.Count == 0 || Namespaces.Contains(e.Metadata?.NamespaceProperty ?? ""));
}
