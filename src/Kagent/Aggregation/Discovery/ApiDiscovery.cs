using System.Text.Json.Nodes;
using Kagent.Api;
using Kagent.Api.V1Alpha1;
using Kagent.Operator.Entities;

namespace Kagent.Aggregation.Discovery;

/// <summary>
/// The discovery documents of the aggregated API: legacy (APIGroupList, APIGroup, APIResourceList) and aggregated
/// (APIGroupDiscoveryList of apidiscovery.k8s.io v2 and v2beta1, which kubectl since 1.30 and kube-apiserver's
/// aggregator ask for first). All of them always answer 200: an APIService whose discovery fails breaks namespace
/// deletion and `kubectl api-resources` for the whole control plane.
/// </summary>
public static class ApiDiscovery
{
    public const string ProbeKind = "ClusterHealthProbe";

    public const string HistoryKind = "ClusterHealthHistory";

    /// <summary>The read-only subresources of clusterhealths and the kinds they answer with.</summary>
    private static readonly (string Name, string Kind)[] Subresources = [("probe", ProbeKind), ("history", HistoryKind)];

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
        [
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
            .. Subresources.Select(sub => new JsonObject
            {
                ["name"] = $"{Health.Plural}/{sub.Name}",
                ["singularName"] = "",
                ["namespaced"] = false,
                ["kind"] = sub.Kind,
                ["verbs"] = new JsonArray("get"),
            }),
        ]),
    };

    /// <summary>
    /// The aggregated discovery document (apidiscovery.k8s.io/<paramref name="version"/>, v2 or v2beta1: the same
    /// shape): the group, its version and its resources with their subresources, as kube-apiserver serves them.
    /// </summary>
    public static JsonObject GroupDiscoveryList(string version) => new()
    {
        ["kind"] = "APIGroupDiscoveryList",
        ["apiVersion"] = $"apidiscovery.k8s.io/{version}",
        ["metadata"] = new JsonObject(),
        ["items"] = new JsonArray(new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = KagentConstants.Group, ["creationTimestamp"] = null },
            ["versions"] = new JsonArray(new JsonObject
            {
                ["version"] = KagentConstants.HealthVersion,
                ["resources"] = new JsonArray(new JsonObject
                {
                    ["resource"] = Health.Plural,
                    ["responseKind"] = ResponseKind(Health.Kind),
                    ["scope"] = "Cluster",
                    ["singularResource"] = Health.Singular,
                    ["verbs"] = new JsonArray("get", "list", "watch"),
                    ["shortNames"] = new JsonArray(Health.ShortNames.Select(s => (JsonNode)s!).ToArray()),
                    ["categories"] = new JsonArray(Health.Categories.Select(s => (JsonNode)s!).ToArray()),
                    ["subresources"] = new JsonArray(Subresources.Select(sub => (JsonNode)new JsonObject
                    {
                        ["subresource"] = sub.Name,
                        ["responseKind"] = ResponseKind(sub.Kind),
                        ["verbs"] = new JsonArray("get"),
                    }).ToArray()),
                }),
                ["freshness"] = "Current",
            }),
        }),
    };

    private static JsonObject ResponseKind(string kind) => new() { ["group"] = KagentConstants.Group, ["version"] = KagentConstants.HealthVersion, ["kind"] = kind };
}
