using k8s.Models;

namespace Kagent.Operator.Controllers;

/// <summary>
/// Whether an update deserves a reconcile. Status-only updates (the controller's own status writes among them)
/// do not, unless asked: generation, deletion, finalizers, labels and annotations do.
/// </summary>
public static class ChangeFilter
{
    public static bool NeedsReconcile(V1ObjectMeta? old, V1ObjectMeta current, bool reconcileOnStatusChange)
    {
        if (old is null || reconcileOnStatusChange) return true;
        return old.Generation != current.Generation
               || old.DeletionTimestamp != current.DeletionTimestamp
               || !SameList(old.Finalizers, current.Finalizers)
               || !SameMap(old.Labels, current.Labels)
               || !SameMap(old.Annotations, current.Annotations);
    }

    private static bool SameList(IList<string>? a, IList<string>? b) => (a ?? []).SequenceEqual(b ?? []);

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }
}
