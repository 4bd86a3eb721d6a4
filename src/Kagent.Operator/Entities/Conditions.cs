using k8s.Models;

namespace Kagent.Operator.Entities;

/// <summary>Status conditions as apimachinery's meta.SetStatusCondition keeps them: lastTransitionTime moves only when the status does.</summary>
public static class Conditions
{
    public static IList<V1Condition> Set(IList<V1Condition>? conditions, string type, bool status, string reason, string message, long? observedGeneration, DateTime now) =>
        Set(conditions, type, status ? "True" : "False", reason, message, observedGeneration, now);

    /// <summary>Upserts the condition of this type (True, False or Unknown); its lastTransitionTime moves only when its status does.</summary>
    public static IList<V1Condition> Set(IList<V1Condition>? conditions, string type, string value, string reason, string message, long? observedGeneration, DateTime now)
    {
        // metav1.Time carries whole seconds (RFC 3339 without fractions), as Kubernetes and Karmada write it.
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var list = conditions?.ToList() ?? [];
        var existing = list.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            list.Add(new V1Condition { Type = type, Status = value, Reason = reason, Message = message, ObservedGeneration = observedGeneration, LastTransitionTime = now });
            return list;
        }

        if (existing.Status != value) existing.LastTransitionTime = now;
        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = observedGeneration;
        return list;
    }

    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) =>
        conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);
}
