using System.Text.Json.Nodes;
using k8s.Models;
using Kagent.Api.Karmada;

namespace Kagent.Testing;

/// <summary>
/// Works built as Karmada's control plane builds them (pkg/controllers/binding and ctrlutil.CreateOrUpdateWork, then
/// the Work mutating webhook): the execution finalizer and permanent-id labels on the Work; on each manifest the
/// karmada.io/managed label, the permanent ids, the template's uid and generation, the Work's name and namespace,
/// and the lists of managed label and annotation keys.
/// </summary>
public static class KarmadaWorks
{
    public static Work Create(string cluster, string name, params JsonObject[] manifests)
    {
        var ns = KarmadaConstants.ExecutionSpaceFor(cluster);
        var workId = Guid.NewGuid().ToString();
        var bindingId = Guid.NewGuid().ToString();
        foreach (var manifest in manifests) Mark(manifest, ns, name, workId, bindingId);
        return new Work
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Finalizers = [WorkConstants.ExecutionFinalizer],
                Labels = new Dictionary<string, string> { ["resourcebinding.karmada.io/permanent-id"] = bindingId, ["work.karmada.io/permanent-id"] = workId },
            },
            Spec = new WorkSpec { Workload = new WorkloadTemplate { Manifests = manifests } },
        };
    }

    private static void Mark(JsonObject manifest, string workNamespace, string workName, string workId, string bindingId)
    {
        var metadata = manifest["metadata"] as JsonObject ?? new JsonObject();
        manifest["metadata"] = metadata;
        var labels = metadata["labels"] as JsonObject ?? new JsonObject();
        metadata["labels"] = labels;
        labels[WorkConstants.ManagedLabel] = WorkConstants.ManagedLabelValue;
        labels["resourcebinding.karmada.io/permanent-id"] = bindingId;
        labels["work.karmada.io/permanent-id"] = workId;
        var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
        metadata["annotations"] = annotations;
        annotations[WorkConstants.TemplateUidAnnotation] = Guid.NewGuid().ToString();
        annotations[WorkConstants.TemplateGenerationAnnotation] = "4";
        annotations[WorkConstants.WorkNameAnnotation] = workName;
        annotations[WorkConstants.WorkNamespaceAnnotation] = workNamespace;
        annotations[WorkConstants.ManagedLabelsAnnotation] = string.Join(",", labels.Select(l => l.Key).Order(StringComparer.Ordinal));
        annotations[WorkConstants.ManagedAnnotationsAnnotation] = string.Join(",",
            annotations.Select(a => a.Key).Append(WorkConstants.ManagedAnnotationsAnnotation).Distinct().Order(StringComparer.Ordinal));
    }

    public static JsonObject Namespace(string name) => new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };

    public static JsonObject ConfigMap(string ns, string name, string value) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject { ["key"] = value },
    };

    public static JsonObject Deployment(string ns, string name, int replicas) => new()
    {
        ["apiVersion"] = "apps/v1", ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = "nginx:1.27" }) },
            },
        },
    };

    public static JsonObject Service(string ns, string name) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["targetPort"] = 8080, ["protocol"] = "TCP" }),
        },
    };

    public static JsonObject Job(string ns, string name) => new()
    {
        ["apiVersion"] = "batch/v1", ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["template"] = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = "busybox:1.36", ["command"] = new JsonArray("true") }),
                },
            },
        },
    };
}
