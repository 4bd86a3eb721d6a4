using System.Diagnostics;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Onboarding;

/// <summary>Agents against member clusters, the hub in the control plane: registration, approval, restart, removal.</summary>
[Collection(OnboardingCollection.Name)]
public sealed class OnboardingLifecycleTests(OnboardingFixture onboarding, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private EntityClient<Cluster> Clusters => new(onboarding.ControlPlane.Admin);

    [Fact]
    public async Task Auto_accepted_agent_registers_within_5_seconds_restarts_change_nothing_and_unregister_removes_everything()
    {
        var policies = new EntityClient<OnboardingPolicy>(onboarding.ControlPlane.Admin);
        await policies.CreateAsync(new OnboardingPolicy { Metadata = new V1ObjectMeta { Name = "life-auto" }, Spec = new OnboardingPolicySpec { AutoAccept = true, RequiredLabels = ["env"] } });
        try
        {
            var member = onboarding.Fleet.Member("member1");
            var flags = new[]
            {
                "--cluster-api-endpoint", member.Server.Url, "--proxy-server-address", "http://proxy.example:3128",
                "--cluster-provider", "onprem", "--cluster-region", "lab-1", "--cluster-zones", "lab-1a,lab-1b",
                "--cluster-labels", "env=test,team=platform", "--cluster-taints", "dedicated=ci:NoSchedule",
            };
            var started = Stopwatch.StartNew();
            using (var agent = onboarding.StartAgent("member1", "member1", flags))
            {
                var registered = await onboarding.WaitForPhaseAsync("member1", OnboardingConstants.PhaseRegistered, Timeout);
                var elapsed = started.Elapsed;
                output.WriteLine($"registered {elapsed.TotalSeconds:0.0}s after the agent started");
                Assert.True(elapsed < TimeSpan.FromSeconds(5), $"registration took {elapsed}\n{agent.LogTail()}");
                Assert.Equal(OnboardingConstants.ReasonAutoAccepted, registered.Status.Conditions!.Single(c => c.Type == OnboardingConstants.ConditionAccepted).Reason);

                var cluster = (await Clusters.GetAsync("member1"))!;
                Assert.Equal(KarmadaConstants.SyncModePull, cluster.Spec.SyncMode);
                Assert.Equal(await member.KubeSystemUidAsync(), cluster.Spec.Id);
                Assert.Equal(member.Server.Url, cluster.Spec.ApiEndpoint);
                Assert.Equal("http://proxy.example:3128", cluster.Spec.ProxyUrl);
                Assert.Equal("onprem", cluster.Spec.Provider);
                Assert.Equal("lab-1", cluster.Spec.Region);
                Assert.Equal(["lab-1a", "lab-1b"], cluster.Spec.Zones);
                Assert.Equal("test", cluster.Metadata.Labels["env"]);
                Assert.Equal("platform", cluster.Metadata.Labels["team"]);
                Assert.Equal("member1", cluster.Metadata.Labels[OnboardingConstants.RegistrationLabel]);
                var taint = Assert.Single(cluster.Spec.Taints!);
                Assert.Equal(("dedicated", "ci", "NoSchedule"), (taint.Key, taint.Value, taint.Effect));
                Assert.Equal(cluster.Metadata.Uid, registered.Status.ClusterUid);
                await onboarding.WaitForAgentRegisteredAsync(agent, Timeout);
                await WaitForHeartbeatLeaseAsync("member1");
            }

            // A restart changes nothing: same registration generation, same Cluster version.
            var before = (await onboarding.Registrations.GetAsync("member1"))!;
            var clusterBefore = (await Clusters.GetAsync("member1"))!;
            using (var restarted = onboarding.StartAgent("member1", "member1", flags))
            {
                await onboarding.WaitForAgentRegisteredAsync(restarted, Timeout);
            }

            Assert.Equal(before.Metadata.Generation, (await onboarding.Registrations.GetAsync("member1"))!.Metadata.Generation);
            Assert.Equal(clusterBefore.Metadata.ResourceVersion, (await Clusters.GetAsync("member1"))!.Metadata.ResourceVersion);

            // A second agent claiming the name from another cluster is refused, and takes nothing over.
            using (var impostor = onboarding.StartAgent("member1", "member3", flags))
            {
                await Eventually.TrueAsync(() => File.ReadAllText(impostor.LogPath).Contains("spec.clusterID: may not change once set"), Timeout,
                    "impostor refused with the webhook's message");
            }

            Assert.Equal(await member.KubeSystemUidAsync(), (await onboarding.Registrations.GetAsync("member1"))!.Spec.ClusterId);

            // Unregister from the member side removes the registration, the Cluster and the heartbeat Lease.
            await WaitForHeartbeatLeaseAsync("member1");
            var unregister = await KagentProcess.RunAsync(["agent", "unregister", "--cluster-name", "member1",
                "--karmada-kubeconfig", onboarding.AgentKarmadaKubeconfig("member1"), "--timeout", "60s"]);
            Assert.True(unregister.ExitCode == 0, unregister.Output + onboarding.HubLogTail());
            Assert.Contains("Cluster member1 is deregistered", unregister.StandardOutput);
            await AssertNothingLeftAsync("member1");
        }
        finally
        {
            await policies.DeleteAsync("life-auto");
        }
    }

    [Fact]
    public async Task Without_auto_accept_a_registration_waits_for_an_approver_and_deletion_leaves_nothing_behind()
    {
        using var agent = onboarding.StartAgent("member2", "member2", "--cluster-api-endpoint", onboarding.Fleet.Member("member2").Server.Url);
        var pending = await onboarding.WaitForPhaseAsync("member2", OnboardingConstants.PhasePending, Timeout);
        Assert.Contains("kubectl patch clusterregistration member2 --type merge", pending.Status.Conditions!.Single(c => c.Type == OnboardingConstants.ConditionAccepted).Message);
        Assert.Null(await Clusters.GetAsync("member2"));
        await Eventually.TrueAsync(() => File.ReadAllText(agent.LogPath).Contains("Waiting for cluster member2 to be registered: phase Pending"), Timeout, "agent reports progress");
        await Eventually.MatchAsync(
            async () => (await onboarding.ControlPlane.Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=member2,involvedObject.kind=ClusterRegistration")).Items,
            events => events.Any(e => e.Reason == OnboardingConstants.PhasePending && e.Message.Contains("approve")), Timeout, "a Pending event saying how to approve");

        // The admin (system:masters) may approve.
        await onboarding.Registrations.MergePatchAsync("member2", new { spec = new { accepted = true } });
        var registered = await onboarding.WaitForPhaseAsync("member2", OnboardingConstants.PhaseRegistered, Timeout);
        Assert.Equal(OnboardingConstants.ReasonApproved, registered.Status.Conditions!.Single(c => c.Type == OnboardingConstants.ConditionAccepted).Reason);
        Assert.NotNull(await Clusters.GetAsync("member2"));
        await onboarding.WaitForAgentRegisteredAsync(agent, Timeout);

        // A policy tightened later marks the registration, and keeps the cluster.
        var policies = new EntityClient<OnboardingPolicy>(onboarding.ControlPlane.Admin);
        await policies.CreateAsync(new OnboardingPolicy { Metadata = new V1ObjectMeta { Name = "life-later" }, Spec = new OnboardingPolicySpec { RequiredLabels = ["cost-center"] } });
        try
        {
            var marked = await Eventually.MatchAsync(() => onboarding.Registrations.GetAsync("member2"),
                r => r!.Status.Conditions!.Any(c => c.Type == OnboardingConstants.ConditionPolicyCompliant && c.Status == "False"), Timeout, "marked non-compliant");
            Assert.Equal(OnboardingConstants.PhaseRegistered, marked!.Status.Phase);
            Assert.NotNull(await Clusters.GetAsync("member2"));
        }
        finally
        {
            await policies.DeleteAsync("life-later");
        }

        await WaitForHeartbeatLeaseAsync("member2");
        await onboarding.Registrations.DeleteAsync("member2");
        await AssertNothingLeftAsync("member2");
    }

    /// <summary>The agent's heartbeat Lease exists (so that deregistration has one to remove).</summary>
    private async Task WaitForHeartbeatLeaseAsync(string name) =>
        await Eventually.TrueAsync(async () => (await onboarding.ControlPlane.Admin.CoordinationV1.ListNamespacedLeaseAsync(KarmadaConstants.ClusterNamespace))
            .Items.Any(l => l.Metadata.Name == name), Timeout, $"heartbeat Lease {name}");

    private async Task AssertNothingLeftAsync(string name)
    {
        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(name) is null, Timeout, () => $"registration {name} gone\n{onboarding.HubLogTail()}");
        Assert.Null(await Clusters.GetAsync(name));
        var leases = await onboarding.ControlPlane.Admin.CoordinationV1.ListNamespacedLeaseAsync(KarmadaConstants.ClusterNamespace);
        Assert.DoesNotContain(leases.Items, l => l.Metadata.Name == name);
    }
}
