using k8s;
using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests.Harness;

[Collection(FleetCollection.Name)]
public sealed class MemberClusterTests(FleetFixture fleet)
{
    [Fact]
    public async Task Nodes_are_objects_whose_status_the_test_sets()
    {
        var member = fleet.Member2;
        await member.CreateNodeAsync(new SimulatedNode("harness-node-a", Cpu: "4", Memory: "16Gi"));
        var node = await member.Admin.CoreV1.ReadNodeAsync("harness-node-a");
        Assert.Equal("4", node.Status.Allocatable["cpu"].ToString());
        Assert.Equal("True", node.Status.Conditions.Single(c => c.Type == "Ready").Status);

        await member.SetNodeReadyAsync("harness-node-a", ready: false);
        node = await member.Admin.CoreV1.ReadNodeAsync("harness-node-a");
        Assert.Equal("False", node.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task Each_member_is_its_own_cluster()
    {
        var uid1 = await fleet.Member1.KubeSystemUidAsync();
        var uid2 = await fleet.Member2.KubeSystemUidAsync();
        Assert.False(string.IsNullOrEmpty(uid1));
        Assert.NotEqual(uid1, uid2);
        Assert.NotEqual(fleet.Member1.Server.Url, fleet.Member2.Server.Url);
    }

    [Fact]
    public async Task Kubeconfig_files_work_with_kubectl_style_loading()
    {
        var path = fleet.Member1.AdminKubeconfigPath;
        using var client = Kagent.Testing.Kubeconfig.ClientFrom(path);
        var version = await client.Version.GetCodeAsync();
        Assert.StartsWith("v1.", version.GitVersion);
    }
}
