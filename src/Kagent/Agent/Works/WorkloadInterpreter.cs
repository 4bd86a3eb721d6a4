using System.Text.Json.Nodes;
using Kagent.Api.Karmada;

namespace Kagent.Agent.Works;

/// <summary>
/// What a member object reports in its Work's manifestStatuses: the reflected status and the health; and when a
/// customized rule failed, Karmada's event reason (ReflectStatusFailed, InterpretHealthFailed) and the error.
/// </summary>
public sealed record InterpretedStatus(JsonObject? Status, string Health, string? ProblemReason = null, string? Problem = null);

/// <summary>
/// Karmada's default interpreters on the agent's side (pkg/resourceinterpreter/default/native: reflectstatus.go and
/// healthy.go), keyed by exact apiVersion and kind: the status fields each built-in kind reflects, and its health
/// rule. A kind without a rule reflects its whole status and is Healthy.
/// </summary>
public static class WorkloadInterpreter
{
    private static readonly string[] DeploymentFields = ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "observedGeneration"];
    private static readonly string[] StatefulSetFields = ["availableReplicas", "currentReplicas", "readyReplicas", "replicas", "updatedReplicas"];
    private static readonly string[] ReplicaSetFields = ["replicas", "readyReplicas", "availableReplicas", "observedGeneration"];
    private static readonly string[] DaemonSetFields =
        ["currentNumberScheduled", "desiredNumberScheduled", "numberAvailable", "numberMisscheduled", "numberReady", "updatedNumberScheduled", "numberUnavailable", "observedGeneration"];
    private static readonly string[] JobFields = ["active", "succeeded", "failed", "conditions", "startTime", "completionTime"];
    private static readonly string[] HpaFields = ["currentReplicas", "desiredReplicas"];
    private static readonly string[] PdbFields = ["disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods", "disruptedPods"];

    public static InterpretedStatus Interpret(JsonObject live) =>
        (live.String("apiVersion"), live.String("kind")) switch
        {
            ("apps/v1", "Deployment") => new(WithGenerations(live, Pick(live, DeploymentFields)), Health(RolledOut(live, "updatedReplicas", "availableReplicas"))),
            ("apps/v1", "StatefulSet") => new(WithGenerations(live, Pick(live, StatefulSetFields, always: "replicas")), Health(RolledOut(live, "updatedReplicas", "availableReplicas"))),
            ("apps/v1", "ReplicaSet") => new(WithGenerations(live, Pick(live, ReplicaSetFields)), Health(ReplicaSetHealthy(live))),
            ("apps/v1", "DaemonSet") => new(WithGenerations(live, Pick(live, DaemonSetFields)), Health(DaemonSetHealthy(live))),
            ("batch/v1", "Job") => new(Pick(live, JobFields), WorkConstants.Healthy),
            ("v1", "Pod") => new(Whole(live), Health(PodHealthy(live))),
            ("v1", "Service") => ServiceStatus(live),
            ("networking.k8s.io/v1", "Ingress") => new(Whole(live), Health(HasIngress(live))),
            ("v1", "PersistentVolumeClaim") => new(Whole(live), Health(live.String("status.phase") == "Bound")),
            ("autoscaling/v2", "HorizontalPodAutoscaler") => new(Pick(live, HpaFields), WorkConstants.Healthy),
            ("policy/v1", "PodDisruptionBudget") => new(Pick(live, PdbFields), Health(live.Long("status.currentHealthy") >= (live.Long("status.desiredHealthy") ?? 0))),
            _ => new(Whole(live), WorkConstants.Healthy),
        };

    private static string Health(bool healthy) => healthy ? WorkConstants.Healthy : WorkConstants.Unhealthy;

    private static JsonObject? Whole(JsonObject live) => live["status"] is JsonObject status ? status.DeepClone().AsObject() : null;

    /// <summary>The named status fields that are present (one may be written even when absent); nothing when none are.</summary>
    private static JsonObject? Pick(JsonObject live, string[] fields, string? always = null)
    {
        if (live["status"] is not JsonObject status) return null;
        var picked = new JsonObject();
        foreach (var field in fields)
        {
            if (status[field] is { } value) picked[field] = value.DeepClone();
            else if (field == always) picked[field] = 0;
        }

        return picked.Count > 0 ? picked : null;
    }

    /// <summary>The member's generation and the template's (from the manifest's annotation), as Karmada adds them; both omitted when zero.</summary>
    private static JsonObject? WithGenerations(JsonObject live, JsonObject? status)
    {
        if (status is null) return null;
        var result = new JsonObject();
        if (live.Long("metadata.generation") is { } generation and not 0) result["generation"] = generation;
        if (long.TryParse(live.Annotation(WorkConstants.TemplateGenerationAnnotation), out var template) && template != 0)
            result["resourceTemplateGeneration"] = template;
        foreach (var (key, value) in status) result[key] = value?.DeepClone();
        return result;
    }

    private static bool Observed(JsonObject live) => live.Long("status.observedGeneration") == live.Long("metadata.generation");

    private static bool RolledOut(JsonObject live, string updated, string available)
    {
        var desired = live.Long("spec.replicas");
        var updatedCount = live.Long("status." + updated) ?? 0;
        return Observed(live) && (desired is null || updatedCount >= desired) && (live.Long("status." + available) ?? 0) >= updatedCount;
    }

    private static bool ReplicaSetHealthy(JsonObject live)
    {
        var desired = live.Long("spec.replicas");
        return Observed(live) && (desired is null || (live.Long("status.availableReplicas") ?? 0) >= desired);
    }

    private static bool DaemonSetHealthy(JsonObject live)
    {
        var updated = live.Long("status.updatedNumberScheduled") ?? 0;
        return Observed(live) && updated >= (live.Long("status.desiredNumberScheduled") ?? 0) && (live.Long("status.numberAvailable") ?? 0) >= updated;
    }

    private static bool PodHealthy(JsonObject live) =>
        live.String("status.phase") switch
        {
            "Succeeded" => true,
            "Running" => live.At("status.conditions") is JsonArray conditions
                         && conditions.OfType<JsonObject>().Any(c => c.String("type") == "Ready" && c.String("status") == "True"),
            _ => false,
        };

    private static bool HasIngress(JsonObject live) =>
        live.At("status.loadBalancer.ingress") is JsonArray ingress
        && ingress.OfType<JsonObject>().Any(i => !string.IsNullOrEmpty(i.String("ip")) || !string.IsNullOrEmpty(i.String("hostname")));

    /// <summary>Only a LoadBalancer Service reflects status (its load balancer) and can be unhealthy (no address yet).</summary>
    private static InterpretedStatus ServiceStatus(JsonObject live)
    {
        if (live.String("spec.type") != "LoadBalancer") return new(null, WorkConstants.Healthy);
        var loadBalancer = live.At("status.loadBalancer")?.DeepClone() ?? new JsonObject();
        return new(new JsonObject { ["loadBalancer"] = loadBalancer }, Health(HasIngress(live)));
    }
}
