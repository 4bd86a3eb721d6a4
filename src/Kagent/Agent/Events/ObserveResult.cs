
namespace Kagent.Agent.Events;

public enum ObserveResult
{
    /// <summary>A new distinct event, or a change to a written one: queued for a write.</summary>
    Queued,

    /// <summary>Folded into a write already waiting: costs nothing more.</summary>
    Coalesced,

    /// <summary>Nothing new (the same count seen again, as after a relist).</summary>
    Unchanged,

    /// <summary>A new distinct event while the queue is full: not exported.</summary>
    Dropped,
}
