using System.Text.Json.Nodes;
using Kagent.Api.Karmada;

namespace Kagent.Agent.Works;

/// <summary>
/// What an update keeps of the member's object (pkg/util/lifted/retain.go and the native Retain rules): the server's
/// metadata, labels and annotations others added (unless the control plane managed and dropped them), and per kind
/// the fields the member owns, such as a Service's clusterIP or a PersistentVolumeClaim's volumeName.
/// </summary>
public static class Retention
{
    /// <summary>The object to write: <paramref name="desired"/> (a copy) with what it keeps of <paramref name="live"/>, by the built-in rules.</summary>
    public static JsonObject Apply(JsonObject desired, JsonObject live) => ApplyKind(ApplyGeneric(desired, live), live);

    /// <summary>What every kind keeps: the server's metadata and the labels and annotations others added (a copy of <paramref name="desired"/>).</summary>
    public static JsonObject ApplyGeneric(JsonObject desired, JsonObject live)
    {
        var result = desired.DeepClone().AsObject();
        var metadata = result["metadata"] as JsonObject ?? new JsonObject();
        result["metadata"] = metadata;
        foreach (var field in new[] { "resourceVersion", "finalizers", "ownerReferences" })
        {
            metadata[field] = live.At("metadata." + field)?.DeepClone();
            if (metadata[field] is null) metadata.Remove(field);
        }

        KeepForeignKeys(metadata, live, "labels", WorkConstants.ManagedLabelsAnnotation);
        KeepForeignKeys(metadata, live, "annotations", WorkConstants.ManagedAnnotationsAnnotation);
        return result;
    }

    /// <summary>The built-in rule of the object's kind, applied in place to an object that already had the generic retention.</summary>
    public static JsonObject ApplyKind(JsonObject retained, JsonObject live)
    {
        RetainKind(retained, live);
        return retained;
    }

    /// <summary>Keys the member has and the manifest does not are kept, except those the control plane listed as its own (it dropped them).</summary>
    private static void KeepForeignKeys(JsonObject metadata, JsonObject live, string field, string managedListAnnotation)
    {
        var liveMap = live.StringMap("metadata." + field);
        if (liveMap.Count == 0) return;
        var managed = (live.Annotation(managedListAnnotation) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var desired = metadata[field] as JsonObject ?? new JsonObject();
        foreach (var (key, value) in liveMap)
        {
            if (!desired.ContainsKey(key) && !managed.Contains(key)) desired[key] = value;
        }

        if (desired.Count > 0) metadata[field] = desired;
    }

    private static void RetainKind(JsonObject desired, JsonObject live)
    {
        switch ((desired.String("apiVersion"), desired.String("kind")))
        {
            case ("apps/v1", "Deployment") when desired.Label(WorkConstants.RetainReplicasLabel) == "true":
                Keep(desired, live, "spec.replicas");
                break;
            case ("batch/v1", "Job"):
                Keep(desired, live, "spec.selector");
                Keep(desired, live, "spec.template.metadata.labels");
                break;
            case ("v1", "Service"):
                if (live.Long("spec.healthCheckNodePort") > 0) Keep(desired, live, "spec.healthCheckNodePort");
                if (!string.IsNullOrEmpty(live.String("spec.clusterIP"))) Keep(desired, live, "spec.clusterIP");
                break;
            case ("v1", "PersistentVolumeClaim") when !string.IsNullOrEmpty(live.String("spec.volumeName")):
                Keep(desired, live, "spec.volumeName");
                break;
            case ("v1", "PersistentVolume") when live.At("spec.claimRef") is not null:
                Keep(desired, live, "spec.claimRef");
                break;
            case ("v1", "Pod"):
                Keep(desired, live, "spec.nodeName");
                Keep(desired, live, "spec.serviceAccountName");
                Keep(desired, live, "spec.volumes");
                KeepVolumeMounts(desired, live, "spec.containers");
                KeepVolumeMounts(desired, live, "spec.initContainers");
                break;
            case ("v1", "ServiceAccount"):
                MergeByName(desired, live, "secrets");
                MergeByName(desired, live, "imagePullSecrets");
                break;
            case ("v1", "Secret") when desired.String("type") == "kubernetes.io/service-account-token":
                Keep(desired, live, "data");
                break;
        }
    }

    private static void Keep(JsonObject desired, JsonObject live, string path)
    {
        if (live.At(path) is { } value) desired.Set(path, value.DeepClone());
    }

    private static void KeepVolumeMounts(JsonObject desired, JsonObject live, string path)
    {
        if (desired.At(path) is not JsonArray containers || live.At(path) is not JsonArray liveContainers) return;
        foreach (var container in containers.OfType<JsonObject>())
        {
            var match = liveContainers.OfType<JsonObject>().FirstOrDefault(c => c.String("name") == container.String("name"));
            if (match?["volumeMounts"] is { } mounts) container["volumeMounts"] = mounts.DeepClone();
        }
    }

    /// <summary>The desired entries, then the member's entries whose names the desired list lacks.</summary>
    private static void MergeByName(JsonObject desired, JsonObject live, string field)
    {
        if (live[field] is not JsonArray liveItems) return;
        var merged = desired[field] as JsonArray ?? [];
        var names = merged.OfType<JsonObject>().Select(i => i.String("name")).ToHashSet();
        foreach (var item in liveItems.OfType<JsonObject>().Where(i => !names.Contains(i.String("name")))) merged.Add(item.DeepClone());
        if (merged.Count > 0) desired[field] = merged;
    }
}
