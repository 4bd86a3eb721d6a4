using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests.Compatibility;

/// <summary>The C# model of Karmada's Cluster speaks Karmada's JSON, and survives a real API server field for field.</summary>
[Collection(FleetCollection.Name)]
public sealed class ClusterModelTests(FleetFixture fleet)
{
    /// <summary>Every JSON path of Karmada's Cluster (pkg/apis/cluster/v1alpha1/types.go).</summary>
    private static readonly string[] KarmadaJsonPaths =
    [
        "spec.id", "spec.syncMode", "spec.apiEndpoint", "spec.secretRef.namespace", "spec.secretRef.name",
        "spec.impersonatorSecretRef.namespace", "spec.impersonatorSecretRef.name", "spec.insecureSkipTLSVerification",
        "spec.proxyURL", "spec.proxyHeader", "spec.provider", "spec.region", "spec.zone", "spec.zones", "spec.taints",
        "spec.resourceModels[].grade", "spec.resourceModels[].ranges[].name", "spec.resourceModels[].ranges[].min",
        "spec.resourceModels[].ranges[].max",
        "status.kubernetesVersion", "status.apiEnablements[].groupVersion", "status.apiEnablements[].resources[].name",
        "status.apiEnablements[].resources[].kind", "status.conditions", "status.nodeSummary.totalNum", "status.nodeSummary.readyNum",
        "status.resourceSummary.allocatable", "status.resourceSummary.allocating", "status.resourceSummary.allocated",
        "status.resourceSummary.allocatableModelings[].grade", "status.resourceSummary.allocatableModelings[].count",
        "status.remedyActions",
    ];

    public static Cluster FullyPopulated(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["env"] = "test" } },
        Spec = new ClusterSpec
        {
            Id = "6f1d0c7e-0000-4000-8000-000000000001",
            SyncMode = KarmadaConstants.SyncModePull,
            ApiEndpoint = "https://10.0.0.10:6443",
            SecretRef = new LocalSecretReference { Namespace = "karmada-cluster", Name = name },
            ImpersonatorSecretRef = new LocalSecretReference { Namespace = "karmada-cluster", Name = name + "-impersonator" },
            InsecureSkipTlsVerification = true,
            ProxyUrl = "http://proxy.example:3128",
            ProxyHeader = new Dictionary<string, string> { ["X-Tenant"] = "a" },
            Provider = "aws",
            Region = "eu-west-1",
            Zone = "eu-west-1a",
            Zones = ["eu-west-1a", "eu-west-1b"],
            Taints = [new V1Taint { Key = KarmadaConstants.TaintNotReady, Effect = "NoSchedule" }],
            ResourceModels =
            [
                new ResourceModel { Grade = 0, Ranges = [new ResourceModelRange { Name = "cpu", Min = new ResourceQuantity("0"), Max = new ResourceQuantity("1") }] },
                new ResourceModel { Grade = 1, Ranges = [new ResourceModelRange { Name = "cpu", Min = new ResourceQuantity("1"), Max = new ResourceQuantity("9223372036854775807") }] },
            ],
        },
        Status = new ClusterStatus
        {
            KubernetesVersion = "v1.20.2",
            ApiEnablements = [new ApiEnablement { GroupVersion = "apps/v1", Resources = [new ApiResource { Name = "deployments", Kind = "Deployment" }] }],
            Conditions =
            [
                new V1Condition
                {
                    Type = KarmadaConstants.ConditionReady, Status = "True", Reason = KarmadaConstants.ReasonClusterReady,
                    Message = "cluster is healthy and ready to accept workloads", LastTransitionTime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
                },
            ],
            NodeSummary = new NodeSummary { TotalNum = 3, ReadyNum = 2 },
            ResourceSummary = new ResourceSummary
            {
                Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("24"), ["memory"] = new("96Gi"), ["pods"] = new("330") },
                Allocating = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("500m"), ["pods"] = new("1") },
                Allocated = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("4Gi"), ["pods"] = new("7") },
                AllocatableModelings = [new AllocatableModeling { Grade = 0, Count = 1 }, new AllocatableModeling { Grade = 1, Count = 2 }],
            },
            RemedyActions = ["TrafficControl"],
        },
    };

    [Fact]
    public void Json_uses_karmadas_field_names()
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(FullyPopulated("names")))!;
        Assert.Equal("cluster.karmada.io/v1alpha1", (string?)json["apiVersion"]);
        Assert.Equal("Cluster", (string?)json["kind"]);
        var paths = Paths(json).ToHashSet();
        foreach (var expected in KarmadaJsonPaths)
        {
            Assert.Contains(expected, paths);
        }
    }

    [Fact]
    public async Task Cluster_created_from_the_model_reads_back_field_for_field()
    {
        var client = new EntityClient<Cluster>(fleet.ControlPlane.Admin);
        var desired = FullyPopulated("compat-roundtrip");

        var created = await client.CreateAsync(desired);
        created.Status = desired.Status;
        await client.ReplaceStatusAsync(created);
        var read = await client.GetAsync("compat-roundtrip");

        Assert.NotNull(read);
        AssertJsonEqual(desired.Spec, read!.Spec);
        AssertJsonEqual(desired.Status, read.Status);
        Assert.Equal("test", read.Metadata.Labels["env"]);
        await client.DeleteAsync("compat-roundtrip");
    }

    private static void AssertJsonEqual(object expected, object actual)
    {
        var e = JsonNode.Parse(KubernetesJson.Serialize(expected));
        var a = JsonNode.Parse(KubernetesJson.Serialize(actual));
        Assert.True(JsonNode.DeepEquals(e, a), $"expected {e?.ToJsonString()}\n  actual {a?.ToJsonString()}");
    }

    private static IEnumerable<string> Paths(JsonNode node, string prefix = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
                    yield return path;
                    if (value is not null && key is not ("proxyHeader" or "allocatable" or "allocating" or "allocated" or "labels"))
                        foreach (var child in Paths(value, path)) yield return child;
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                    foreach (var child in Paths(item, prefix + "[]"))
                        yield return child;
                break;
        }
    }
}
