using System.Net;
using k8s;
using k8s.Autorest;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Onboarding;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;

namespace Kagent.Tests.Reliability;

/// <summary>
/// The agent killed (SIGKILL) in the middle of its work: while registering, while writing status, and the
/// `kagent agent unregister` command while deregistering. Each next start converges; nothing is left orphaned.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class KillRecoveryTests(OnboardingFixture onboarding)
{
    private const string Name = "member3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Fast =
    [
        "--cluster-status-update-frequency", "1s", "--cluster-lease-duration", "10s", "--cluster-lease-renew-interval-fraction", "0.2",
        "--cluster-success-threshold", "1s", "--cluster-failure-threshold", "1s",
        "--leader-elect-lease-duration", "4s", "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms",
    ];

    private MemberCluster Member => onboarding.Fleet.Member(Name);

    private EntityClient<Cluster> Clusters => new(onboarding.ControlPlane.Admin);

    [Fact]
    public async Task Killed_while_registering_writing_status_or_deregistering_the_next_start_converges_and_nothing_is_orphaned()
    {
        string[] nodes = ["k1", "k2", "k3"];
        foreach (var node in nodes) await Member.CreateNodeAsync(new SimulatedNode(node));
        try
        {
            // Killed right after it asked to join; approved while it is down; the next start registers.
            using (var first = StartAgent())
            {
                await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
                first.Kill();
            }

            await onboarding.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
            await onboarding.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);

            // Killed again and again while it writes status every second; the member changes in between.
            var random = new Random(7);
            for (var round = 0; round < 4; round++)
            {
                var started = DateTime.UtcNow;
                using var agent = StartAgent();
                await Eventually.TrueAsync(async () => await HeartbeatAsync() > started, Timeout, () => "agent running and renewing its heartbeat\n" + agent.LogTail());
                await Member.SetNodeReadyAsync(nodes[round % nodes.Length], round % 2 == 1);
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 2500)));   // a random moment of its work
                agent.Kill();
            }

            // The last start: status equals the member, the heartbeat is renewed, one registration, one Cluster.
            var expectedReady = (await Member.Admin.CoreV1.ListNodeAsync()).Items
                .Count(n => nodes.Contains(n.Metadata.Name) && n.Status.Conditions.Any(c => c.Type == "Ready" && c.Status == "True"));
            using (var last = StartAgent())
            {
                await Eventually.TrueAsync(async () => (await Clusters.GetAsync(Name))?.Status?.NodeSummary is { TotalNum: 3 } summary && summary.ReadyNum == expectedReady,
                    Timeout, () => $"status converged to {expectedReady} ready nodes\n" + last.LogTail());
                var renewed = DateTime.UtcNow;
                await Eventually.TrueAsync(async () => await HeartbeatAsync() > renewed, Timeout, "heartbeat renewed");
            }

            Assert.Single((await onboarding.Registrations.ListAsync()).Items, r => r.Metadata.Name == Name);
            Assert.Single((await Clusters.ListAsync()).Items, c => c.Metadata.Name == Name);

            // `kagent agent unregister` killed once the deletion is under way: the hub finishes it alone.
            using (var unregister = KagentProcess.Start("unregister-killed",
                       ["agent", "unregister", "--cluster-name", Name, "--karmada-kubeconfig", onboarding.AgentKarmadaKubeconfig(Name), "--timeout", "60s"],
                       Path.Combine(onboarding.Fleet.Root, "unregister-killed.log")))
            {
                await Eventually.TrueAsync(async () => (await onboarding.Registrations.GetAsync(Name))?.Metadata.DeletionTimestamp is not null
                                                       || await onboarding.Registrations.GetAsync(Name) is null, Timeout, "deletion requested");
                unregister.Kill();
            }

            await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Name) is null, Timeout, () => "registration gone\n" + onboarding.HubLogTail());
            Assert.Null(await Clusters.GetAsync(Name));
            var leases = await onboarding.ControlPlane.Admin.CoordinationV1.ListNamespacedLeaseAsync(KarmadaConstants.ClusterNamespace);
            Assert.DoesNotContain(leases.Items, l => l.Metadata.Name == Name);
            var roleGone = await Assert.ThrowsAsync<HttpOperationException>(() => onboarding.ControlPlane.Admin.RbacAuthorizationV1.ReadClusterRoleAsync(AgentPermissions.NameFor(Name)));
            Assert.Equal(HttpStatusCode.NotFound, roleGone.Response.StatusCode);
        }
        finally
        {
            if (await onboarding.Registrations.GetAsync(Name) is not null) await onboarding.Registrations.DeleteAsync(Name);
            await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Name) is null, Timeout, "registration removed");
            foreach (var node in nodes) await Member.Admin.CoreV1.DeleteNodeAsync(node);
        }
    }

    private ServerProcess StartAgent() => onboarding.StartAgent(Name, Name, ["--cluster-api-endpoint", Member.Server.Url, .. Fast]);

    /// <summary>When the agent last renewed its heartbeat Lease.</summary>
    private async Task<DateTime?> HeartbeatAsync() =>
        (await onboarding.ControlPlane.Admin.CoordinationV1.ReadNamespacedLeaseAsync(Name, KarmadaConstants.ClusterNamespace)).Spec.RenewTime;
}
