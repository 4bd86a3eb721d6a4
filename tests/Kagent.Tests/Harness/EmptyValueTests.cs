using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests.Harness;

/// <summary>
/// The test API servers accept zero values in typed fields of custom resources, as every real Kubernetes does.
/// kube-apiserver 1.20 built with Go 1.16 or later refuses them ("a in body must be of type string: \"null\"",
/// kubernetes/kubernetes #99804) unless its vendored OpenAPI validator carries the upstream fix, which
/// hack/envtest.sh applies. Checked both ways: against a build of the same tree without that patch, the first three
/// tests fail with exactly that message (and the wrong-type test passes); against the patched build all pass.
/// </summary>
[Collection(FleetCollection.Name)]
public sealed class EmptyValueTests(FleetFixture fleet)
{
    private const string Group = "harness.kagent.io";

    private ControlPlane ControlPlane => fleet.ControlPlane;

    [Fact]
    public async Task Zero_values_of_typed_fields_are_accepted()
    {
        await InstallZeroValueCrdAsync();
        var created = await CreateRawAsync($"apis/{Group}/v1/zerovalues", ZeroValue("zero-values", new JsonObject { ["a"] = "", ["n"] = 0, ["b"] = false }));
        Assert.Equal("", (string?)created["spec"]!["a"]);
        Assert.Equal(0, (int?)created["spec"]!["n"]);
        Assert.False((bool?)created["spec"]!["b"]);
    }

    [Fact]
    public async Task A_wrong_type_is_still_refused()
    {
        await InstallZeroValueCrdAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            CreateRawAsync($"apis/{Group}/v1/zerovalues", ZeroValue("wrong-type", new JsonObject { ["a"] = 5 })));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("spec.a", error.Response.Content);
        Assert.Contains("must be of type string", error.Response.Content);
    }

    [Fact]
    public async Task Karmada_cluster_takes_empty_strings_where_karmadas_types_allow_them()
    {
        var clusters = new EntityClient<Cluster>(ControlPlane.Admin);
        var cluster = await clusters.CreateAsync(new Cluster
        {
            Metadata = new V1ObjectMeta { Name = "harness-empty-strings" },
            Spec = new ClusterSpec
            {
                Id = "", SyncMode = KarmadaConstants.SyncModePull, ApiEndpoint = "", ProxyUrl = "", Provider = "", Region = "", Zone = "",
                Zones = [""], ProxyHeader = new Dictionary<string, string> { ["X-Empty"] = "" },
                SecretRef = new LocalSecretReference { Namespace = "", Name = "" },
            },
        });
        Assert.Equal("", cluster.Spec.ApiEndpoint);

        cluster.Status = new ClusterStatus
        {
            KubernetesVersion = "",
            ApiEnablements = [new ApiEnablement { GroupVersion = "", Resources = [new ApiResource { Name = "", Kind = "" }] }],
            Conditions = [new V1Condition { Type = KarmadaConstants.ConditionReady, Status = "True", Reason = "ClusterReady", Message = "", LastTransitionTime = DateTime.UtcNow }],
        };
        var updated = await clusters.ReplaceStatusAsync(cluster);
        Assert.Equal("", updated.Status.KubernetesVersion);
        Assert.Equal("", updated.Status.Conditions![0].Message);
        await clusters.DeleteAsync(cluster.Metadata.Name);
    }

    [Fact]
    public async Task Karmada_work_status_takes_empty_strings_as_karmada_agent_writes_them()
    {
        const string ns = "karmada-es-harness-empty";
        await ControlPlane.EnsureNamespaceAsync(ns);
        var works = new EntityClient<Work>(ControlPlane.Admin);
        var work = await works.CreateAsync(new Work
        {
            Metadata = new V1ObjectMeta { Name = "empty-strings", NamespaceProperty = ns },
            Spec = new WorkSpec { Workload = new WorkloadTemplate { Manifests = [new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "", ["namespace"] = "" } }] } },
        });

        // karmada-agent always writes identifier.resource as "", and a core kind has group "" (omitted by Karmada,
        // written here to show the server takes it either way); condition messages may be empty.
        work.Status = new WorkStatus
        {
            Conditions = [new V1Condition { Type = WorkConstants.ConditionApplied, Status = "True", Reason = WorkConstants.ReasonAppliedSuccessful, Message = "", LastTransitionTime = DateTime.UtcNow }],
            ManifestStatuses = [new ManifestStatus { Identifier = new ResourceIdentifier { Ordinal = 0, Group = "", Version = "v1", Kind = "ConfigMap", Resource = "", Namespace = "", Name = "" }, Health = WorkConstants.Healthy, Status = new JsonObject { ["phase"] = "" } }],
        };
        var updated = await works.ReplaceStatusAsync(work);
        Assert.Equal("", updated.Status.ManifestStatuses![0].Identifier.Resource);
        Assert.Equal("", updated.Status.ManifestStatuses[0].Identifier.Group);
        Assert.Equal("", (string?)updated.Status.ManifestStatuses[0].Status!["phase"]);
        await works.DeleteAsync(work.Metadata.Name, ns);
    }

    private static JsonObject ZeroValue(string name, JsonObject spec) => new()
    {
        ["apiVersion"] = $"{Group}/v1",
        ["kind"] = "ZeroValue",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = spec,
    };

    private async Task<JsonObject> CreateRawAsync(string path, JsonObject body)
    {
        using var response = await ControlPlane.Admin.SendAsync(HttpMethod.Post, path, body);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private Task InstallZeroValueCrdAsync() => ControlPlane.InstallCrdsAsync(ControlPlane.Admin,
    [
        new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = $"zerovalues.{Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = Group,
                Scope = "Cluster",
                Names = new V1CustomResourceDefinitionNames { Plural = "zerovalues", Kind = "ZeroValue" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1", Served = true, Storage = true,
                        Schema = new V1CustomResourceValidation
                        {
                            OpenAPIV3Schema = new V1JSONSchemaProps
                            {
                                Type = "object",
                                Properties = new Dictionary<string, V1JSONSchemaProps>
                                {
                                    ["spec"] = new()
                                    {
                                        Type = "object",
                                        Properties = new Dictionary<string, V1JSONSchemaProps>
                                        {
                                            ["a"] = new() { Type = "string" }, ["n"] = new() { Type = "integer" }, ["b"] = new() { Type = "boolean" },
                                        },
                                    },
                                },
                            },
                        },
                    },
                ],
            },
        },
    ], CancellationToken.None);
}
