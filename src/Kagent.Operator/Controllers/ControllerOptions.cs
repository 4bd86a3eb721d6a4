namespace Kagent.Operator.Controllers;

public sealed record ControllerOptions
{
    /// <summary>The keyed KubeClient the controller watches and writes through; null means the operator's default.</summary>
    public string? ClientName { get; init; }

    /// <summary>How many keys are reconciled at once (never the same key twice at once).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Reconcile also when only the status changed (by default only spec, metadata or deletion do).</summary>
    public bool ReconcileOnStatusChange { get; init; }

    public string? LabelSelector { get; init; }

    /// <summary>Watch one namespace only; null watches all.</summary>
    public string? Namespace { get; init; }

    public Queue.WorkQueueOptions Queue { get; init; } = new();

    public Cache.ResourceWatcherOptions Watch { get; init; } = new();

    /// <summary>
    /// A Func&lt;TEntity, TEntity&gt; the cache applies to each object; null drops managedFields. The process shares one
    /// cache per resource, so this must be the transform its other readers use.
    /// </summary>
    public Delegate? Transform { get; init; }
}
