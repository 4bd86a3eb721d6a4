using System.Text.Json;
using Kagent.Agent.Metadata;
using Kagent.Agent.Status;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Xunit;

namespace Kagent.UnitTests.Agent;

/// <summary>Where the nodes run and what the server is, as the agent reads them from a member.</summary>
public sealed class MetadataDiscoveryTests
{
    [Fact]
    public void A_node_keeps_its_topology_labels_and_provider_and_no_other_label()
    {
        var node = Read("""
            {"metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "eu-west-1a", "topology.kubernetes.io/region": "eu-west-1",
              "kubernetes.io/hostname": "n1", "team": "x"}, "annotations": {"a": "b"}},
             "spec": {"providerID": "aws:///eu-west-1a/i-0abc"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
            """);
        Assert.Equal(new NodePlacement("eu-west-1a", "eu-west-1", "aws"), node.Placement);
        Assert.True(node.Ready);

        // The beta labels of old nodes count when the GA ones are absent; no label and no providerID is no placement.
        Assert.Equal(new NodePlacement("z1", "r1", null), Read("""
            {"metadata": {"name": "n2", "labels": {"failure-domain.beta.kubernetes.io/zone": "z1", "failure-domain.beta.kubernetes.io/region": "r1"}}}
            """).Placement);
        Assert.Same(NodePlacement.None, Read("""{"metadata": {"name": "n3", "labels": {"a": "b"}}, "spec": {"providerID": ""}}""").Placement);
    }

    [Fact]
    public void The_cluster_lists_every_zone_and_the_most_common_region_and_provider_and_forgets_what_is_gone()
    {
        var resources = new ClusterResources();
        void Add(string name, string? zone, string? region, string? provider) =>
            resources.OnNode(new WatchEvent<SlimNode>(WatchEventKind.Added, Node(name, zone, region, provider), null));
        Add("a", "eu-1b", "eu-1", "gce");
        Add("b", "eu-1a", "eu-1", "gce");
        Add("c", "us-1a", "us-1", "aws");
        Add("d", null, null, null);
        var placement = resources.Placement();
        Assert.Equal(["eu-1a", "eu-1b", "us-1a"], placement.Zones);
        Assert.Equal(("eu-1", "gce"), (placement.Region, placement.Provider));

        resources.OnNode(new WatchEvent<SlimNode>(WatchEventKind.Deleted, Node("c", null, null, null), null));
        resources.OnNode(new WatchEvent<SlimNode>(WatchEventKind.Modified, Node("b", "eu-1c", "eu-1", "gce"), null));
        Assert.Equal(["eu-1b", "eu-1c"], resources.Placement().Zones);
    }

    [Theory]
    [InlineData("v1.30.4+k3s1", "k3s")]
    [InlineData("v1.29.6-eks-db838b0", "eks")]
    [InlineData("v1.30.3-gke.1639000", "gke")]
    [InlineData("v1.28.9+rke2r1", "rke2")]
    [InlineData("v1.26.3-aliyun.1", "ack")]
    [InlineData("v1.20.2", "kubernetes")]
    [InlineData("", null)]
    public void The_distribution_is_read_from_the_version_suffix(string version, string? expected) =>
        Assert.Equal(expected, Distributions.FromVersion(version));

    [Fact]
    public void Provider_is_the_scheme_of_the_provider_id()
    {
        Assert.Equal("azure", SlimNode.ProviderOf("azure:///subscriptions/x/resourceGroups/y"));
        Assert.Equal("kind", SlimNode.ProviderOf("kind://docker/kind/kind-control-plane"));
        Assert.Null(SlimNode.ProviderOf("i-0abc"));
        Assert.Null(SlimNode.ProviderOf(null));
    }

    [Fact]
    public void What_is_discovered_leaves_out_what_is_unknown()
    {
        var discovered = MetadataReporter.Discover(new ClusterPlacement([], null, null), "v1.30.4+k3s1");
        Assert.Equal("""{"distribution":"k3s"}""", KubeJson.Serialize(discovered));
    }

    private static SlimNode Read(string json) => JsonSerializer.Deserialize<SlimNode>(json, KubeJson.Options)!.Compact();

    private static SlimNode Node(string name, string? zone, string? region, string? provider)
    {
        var labels = new Dictionary<string, string>();
        if (zone is not null) labels[SlimNode.ZoneLabel] = zone;
        if (region is not null) labels[SlimNode.RegionLabel] = region;
        var json = JsonSerializer.Serialize(new { metadata = new { name, labels }, spec = new { providerID = provider is null ? null : $"{provider}://x/{name}" } });
        return Read(json);
    }
}
