using System.Text.Json.Nodes;
using k8s.Models;
using Kagent.Api;
using Kagent.Api.V1Alpha1;
using Kagent.Operator.Client;
using Kagent.Operator.Crds;
using Kagent.Operator.Entities;

namespace Kagent.Aggregation.Discovery;

/// <summary>
/// The OpenAPI documents of the aggregated API, generated from the same C# types as the CRDs: v2 (what
/// kube-apiserver aggregates up to 1.26 and older kubectl reads) and v3 (what current kube-apiservers aggregate and
/// `kubectl explain` reads since 1.27), with the same paths and schemas; v3 keeps anyOf and nullable, which v2 cannot say.
/// </summary>
public static class OpenApiDocuments
{
    /// <summary>The group version's path in the OpenAPI v3 discovery document (/openapi/v3).</summary>
    public const string V3GroupVersionPath = "apis/" + KagentConstants.HealthGroupVersion;

    private static readonly EntityMetadata Health = EntityMetadata.For<ClusterHealth>();

    private enum Spec
    {
        V2,
        V3,
    }

    /// <summary>OpenAPI v2, served at /openapi/v2.</summary>
    public static JsonObject OpenApiV2() => new()
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = "Kagent", ["version"] = KagentConstants.HealthVersion },
        ["paths"] = Paths(Spec.V2),
        ["definitions"] = Schemas(Spec.V2),
    };

    /// <summary>OpenAPI v3 of kagent.io/v1alpha1, served at /openapi/v3/apis/kagent.io/v1alpha1.</summary>
    public static JsonObject OpenApiV3() => new()
    {
        ["openapi"] = "3.0.0",
        ["info"] = new JsonObject { ["title"] = "Kagent", ["version"] = KagentConstants.HealthVersion },
        ["paths"] = Paths(Spec.V3),
        ["components"] = new JsonObject { ["schemas"] = Schemas(Spec.V3) },
    };

    private static string Ref(Spec spec, string definition) => spec == Spec.V2 ? $"#/definitions/{definition}" : $"#/components/schemas/{definition}";

    private static JsonObject Paths(Spec spec)
    {
        var collection = $"/apis/{KagentConstants.HealthGroupVersion}/{Health.Plural}";
        return new JsonObject
        {
            [collection] = Path(spec, "list", DefinitionName(Health.Kind + "List"), "listKagentIoV1alpha1ClusterHealth"),
            [collection + "/{name}"] = Path(spec, "get", DefinitionName(Health.Kind), "readKagentIoV1alpha1ClusterHealth", named: true),
            [collection + "/{name}/probe"] = Path(spec, "get", DefinitionName(ApiDiscovery.ProbeKind), "readKagentIoV1alpha1ClusterHealthProbe", named: true, kind: ApiDiscovery.ProbeKind),
            [collection + "/{name}/history"] = Path(spec, "get", DefinitionName(ApiDiscovery.HistoryKind), "readKagentIoV1alpha1ClusterHealthHistory", named: true, kind: ApiDiscovery.HistoryKind),
        };
    }

    private static JsonObject Schemas(Spec spec)
    {
        var healthName = DefinitionName(Health.Kind);
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
                ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["$ref"] = Ref(spec, healthName) } },
            },
            ["x-kubernetes-group-version-kind"] = Gvk(Health.Kind + "List"),
        };
        return new JsonObject
        {
            [healthName] = SchemaOf(spec, typeof(ClusterHealth), Health.Kind),
            [DefinitionName(Health.Kind + "List")] = list,
            [DefinitionName(ApiDiscovery.ProbeKind)] = SchemaOf(spec, typeof(ClusterHealthProbe), ApiDiscovery.ProbeKind),
            [DefinitionName(ApiDiscovery.HistoryKind)] = SchemaOf(spec, typeof(ClusterHealthHistory), ApiDiscovery.HistoryKind),
        };
    }

    private static JsonObject Path(Spec spec, string action, string definition, string operationId, bool named = false, string? kind = null)
    {
        var schema = new JsonObject { ["$ref"] = Ref(spec, definition) };
        var get = new JsonObject { ["operationId"] = operationId };
        if (spec == Spec.V2)
        {
            get["produces"] = new JsonArray("application/json");
            get["schemes"] = new JsonArray("https");
        }

        get["responses"] = new JsonObject
        {
            ["200"] = spec == Spec.V2
                ? new JsonObject { ["description"] = "OK", ["schema"] = schema }
                : new JsonObject { ["description"] = "OK", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } } },
            ["401"] = new JsonObject { ["description"] = "Unauthorized" },
        };
        get["x-kubernetes-action"] = action;
        get["x-kubernetes-group-version-kind"] = Gvk(kind ?? Health.Kind)[0]!.DeepClone();
        var path = new JsonObject { ["get"] = get };
        if (named)
        {
            var parameter = new JsonObject { ["name"] = "name", ["in"] = "path", ["required"] = true };
            if (spec == Spec.V2)
            {
                parameter["type"] = "string";
                parameter["uniqueItems"] = true;
            }
            else
            {
                parameter["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true };
            }

            parameter["description"] = "name of the ClusterHealth (the Karmada Cluster's name)";
            path["parameters"] = new JsonArray(parameter);
        }

        return path;
    }

    private static string DefinitionName(string kind) => $"io.kagent.{KagentConstants.HealthVersion}.{kind}";

    private static JsonArray Gvk(string kind) => new(new JsonObject
    {
        ["group"] = KagentConstants.Group,
        ["kind"] = kind,
        ["version"] = KagentConstants.HealthVersion,
    });

    /// <summary>The CRD generator's schema of a type; for v2, reduced to what OpenAPI v2 allows.</summary>
    private static JsonObject SchemaOf(Spec spec, Type type, string kind)
    {
        var schema = CrdGenerator.Generate(typeof(SchemaHost<>).MakeGenericType(type)).Spec.Versions[0].Schema.OpenAPIV3Schema;
        var node = JsonNode.Parse(KubeJson.Serialize(schema))!.AsObject();
        var root = node["properties"]!["value"]!.AsObject().DeepClone().AsObject();
        root["properties"]!.AsObject()["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion of this object: kagent.io/v1alpha1." };
        root["properties"]!.AsObject()["kind"] = new JsonObject { ["type"] = "string", ["description"] = $"Kind of this object: {kind}." };
        root["properties"]!.AsObject()["metadata"] = new JsonObject { ["type"] = "object", ["description"] = "Standard object metadata (name, uid, labels of the Cluster, resourceVersion, creationTimestamp)." };
        if (spec == Spec.V2) ToOpenApiV2(root);
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
