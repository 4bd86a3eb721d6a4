using k8s;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Tests.Onboarding;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Reliability;

/// <summary>The member's etcd crashes and comes back under a running agent: the agent keeps running and its status follows the member again.</summary>
[Collection(OnboardingCollection.Name)]
public sealed class MemberEtcdRestartTests(OnboardingFixture onboarding, ITestOutputHelper output)
{
    private const string Member = "member4";
    private const string Name = "etcd-restart";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_the_members_etcd_restarts_the_agent_keeps_running_and_status_follows_changes()
    {
        var member = onboarding.Fleet.Member(Member);
        await member.CreateNodeAsync(new SimulatedNode("e1"));
        await member.CreateNodeAsync(new SimulatedNode("e2"));
        var clusters = new EntityClient<Cluster>(onboarding.ControlPlane.Admin);
        try
        {
            using var agent = onboarding.StartAgent(Name, Member, "--cluster-api-endpoint", member.Server.Url, "--cluster-status-update-frequency", "1s",
                "--cluster-success-threshold", "1s", "--cluster-failure-threshold", "1s");
            await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
            await onboarding.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
            await Eventually.TrueAsync(async () => (await clusters.GetAsync(Name))?.Status?.NodeSummary is { TotalNum: 2, ReadyNum: 2 }, Timeout, () => "status before\n" + agent.LogTail());

            await member.Server.RestartEtcdAsync();
            await member.SetNodeReadyAsync("e1", false);
            await Eventually.TrueAsync(async () => (await clusters.GetAsync(Name))?.Status?.NodeSummary is { TotalNum: 2, ReadyNum: 1 }, Timeout, () => "status after the restart\n" + agent.LogTail());
            var ready = (await clusters.GetAsync(Name))!.Status!.Conditions!.Single(c => c.Type == "Ready");
            Assert.Equal("True", ready.Status);
            Assert.False(agent.HasExited);
            output.WriteLine(string.Join('\n', File.ReadAllLines(agent.LogPath).Where(l => l.Contains("warn") || l.Contains("410"))));
        }
        finally
        {
            await onboarding.Registrations.DeleteAsync(Name);
            await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Name) is null, Timeout, "registration removed");
            foreach (var node in new[] { "e1", "e2" }) await member.Admin.CoreV1.DeleteNodeAsync(node);
        }
    }
}
