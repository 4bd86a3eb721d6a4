using System.Text.Json;
using System.Text.Json.Nodes;
using Kagent.Api;
using k8s.Models;
using Kagent.Api.V1Alpha1;
using Kagent.Operator.Client;
using Kagent.Operator.Crds;
using Kagent.Operator.Entities;

namespace Kagent.Aggregation.Discovery;

/// <summary>
/// The discovery documents (legacy APIGroupList, APIGroup, APIResourceList) and the OpenAPI v2 document of the
/// aggregated API. All of them always answer 200: an APIService whose discovery fails breaks namespace deletion
/// and `kubectl api-resources` for the whole control plane.
/// </summary>
public static class ApiDiscovery
{
    public const string ProbeKind = "ClusterHealthProbe";

    private static readonly EntityMetadata Health = EntityMetadata.For<ClusterHealth>();

    private static readonly JsonObject GroupVersionForDiscovery = new()
    {
        ["groupVersion"] = KagentConstants.HealthGroupVersion,
        ["version"] = KagentConstants.HealthVersion,
    };

    public static JsonObject Group() => new()
    {
        ["kind"] = "APIGroup",
        ["apiVersion"] = "v1",
        ["name"] = KagentConstants.Group,
        ["versions"] = new JsonArray(GroupVersionForDiscovery.DeepClone()),
        ["preferredVersion"] = GroupVersionForDiscovery.DeepClone(),
    };

    public static JsonObject GroupList()
    {
        var group = Group();
        group.Remove("kind");
        group.Remove("apiVersion");
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = new JsonArray(group) };
    }

    public static JsonObject ResourceList() => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = KagentConstants.HealthGroupVersion,
        ["resources"] = new JsonArray(
            new JsonObject
            {
                ["name"] = Health.Plural,
                ["singularName"] = Health.Singular,
                ["namespaced"] = false,
                ["kind"] = Health.Kind,
                ["verbs"] = new JsonArray("get", "list", "watch"),
                ["shortNames"] = new JsonArray(Health.ShortNames.Select(s => (JsonNode)s!).ToArray()),
                ["categories"] = new JsonArray(Health.Categories.Select(s => (JsonNode)s!).ToArray()),
            },
            new JsonObject
            {
                ["name"] = $"{Health.Plural}/probe",
                ["singularName"] = "",
                ["namespaced"] = false,
                ["kind"] = ProbeKind,
                ["verbs"] = new JsonArray("get"),
            }),
    };

    /// <summary>OpenAPI v2 (what kube-apiserver aggregates and `kubectl explain` reads), from the C# types.</summary>
    public static JsonObject OpenApiV2()
    {
        var healthName = DefinitionName(Health.Kind);
        var listName = DefinitionName(Health.Kind + "List");
        var probeName = DefinitionName(ProbeKind);
        var health = SchemaOf(typeof(ClusterHealth), Health.Kind);
        var list = new JsonObject
        {
            ["description"] = "ClusterHealthList is a list of ClusterHealth.",
            ["type"] = "object",
            ["required"] = new JsonArray("items"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = $"#/definitions/{healthName}" } },
            },
            ["x-kubernetes-group-version-kind"] = Gvk(Health.Kind + "List"),
        };

        var collection = $"/apis/{KagentConstants.HealthGroupVersion}/{Health.Plural}";
        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kagent", ["version"] = KagentConstants.HealthVersion },
            ["paths"] = new JsonObject
            {
                [collection] = Path("list", listName, "listKagentIoV1alpha1ClusterHealth"),
                [collection + "/{name}"] = Path("get", healthName, "readKagentIoV1alpha1ClusterHealth", named: true),
                [collection + "/{name}/probe"] = Path("get", probeName, "readKagentIoV1alpha1ClusterHealthProbe", named: true, kind: ProbeKind),
            },
            ["definitions"] = new JsonObject
            {
                [healthName] = health,
                [listName] = list,
                [probeName] = SchemaOf(typeof(ClusterHealthProbe), ProbeKind),
            },
        };
    }

    private static string DefinitionName(string kind) => $"io.kagent.{KagentConstants.HealthVersion}.{kind}";

    private static JsonArray Gvk(string kind) => new(new JsonObject
    {
        ["group"] = KagentConstants.Group,
        ["kind"] = kind,
        ["version"] = KagentConstants.HealthVersion,
    });

    private static JsonObject Path(string action, string definition, string operationId, bool named = false, string? kind = null)
    {
        var get = new JsonObject
        {
            ["operationId"] = operationId,
            ["produces"] = new JsonArray("application/json"),
            ["schemes"] = new JsonArray("https"),
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject { ["description"] = "OK", ["schema"] = new JsonObject { ["$ref"] = $"#/definitions/{definition}" } },
                ["401"] = new JsonObject { ["description"] = "Unauthorized" },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(kind ?? Health.Kind)[0]!.DeepClone(),
        };
        var path = new JsonObject { ["get"] = get };
        if (named)
        {
            path["parameters"] = new JsonArray(new JsonObject
            {
                ["name"] = "name", ["in"] = "path", ["required"] = true, ["type"] = "string", ["uniqueItems"] = true,
                ["description"] = "name of the ClusterHealth (the Karmada Cluster's name)",
            });
        }

        return path;
    }

    /// <summary>The CRD generator's schema of a type, reduced to what OpenAPI v2 allows.</summary>
    private static JsonObject SchemaOf(Type type, string kind)
    {
        var schema = CrdGenerator.Generate(typeof(SchemaHost<>).MakeGenericType(type)).Spec.Versions[0].Schema.OpenAPIV3Schema;
        var node = JsonNode.Parse(KubeJson.Serialize(schema))!.AsObject();
        var root = node["properties"]!["value"]!.AsObject().DeepClone().AsObject();
        root["properties"]!.AsObject()["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion of this object: kagent.io/v1alpha1." };
        root["properties"]!.AsObject()["kind"] = new JsonObject { ["type"] = "string", ["description"] = $"Kind of this object: {kind}." };
        root["properties"]!.AsObject()["metadata"] = new JsonObject { ["type"] = "object", ["description"] = "Standard object metadata (name, uid, labels of the Cluster, resourceVersion, creationTimestamp)." };
        ToOpenApiV2(root);
        root["x-kubernetes-group-version-kind"] = Gvk(kind);
        return root;
    }

    /// <summary>Int-or-string becomes a string with format int-or-string (as Kubernetes' own v2 spec has it); anyOf and nullable do not exist in v2.</summary>
    private static void ToOpenApiV2(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
                {
                    obj.Remove("x-kubernetes-int-or-string");
                    obj["type"] = "string";
                    obj["format"] = "int-or-string";
                }

                obj.Remove("anyOf");
                obj.Remove("oneOf");
                obj.Remove("nullable");
                foreach (var (_, child) in obj.ToList()) ToOpenApiV2(child);
                break;
            case JsonArray array:
                foreach (var child in array) ToOpenApiV2(child);
                break;
        }
    }

    /// <summary>Lets the CRD generator describe any type: it becomes the one property "value" of an entity.</summary>
    [KubernetesEntity(Group = KagentConstants.Group, ApiVersion = KagentConstants.HealthVersion, Kind = "SchemaHost")]
    private sealed class SchemaHost<T> : CustomKubernetesEntity
    {
        [System.Text.Json.Serialization.JsonPropertyName("value")]
        public T? Value { get; set; }
    }
}
