using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Onboarding;
using Kagent.Operator.Client;
using Kagent.Testing;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// An agent's identity (Karmada's system:karmada:agent:&lt;cluster&gt; in system:karmada:agents, or Kagent's earlier
/// system:kagent:agent:&lt;cluster&gt; in system:kagent:agents; bound by config/rbac and the per-cluster roles the hub
/// creates) writes its own registration, Cluster status and Lease, and no other cluster's; every other write is
/// denied by kube-apiserver's RBAC.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class AgentPermissionsTests(OnboardingFixture onboarding) : IAsyncLifetime
{
    private const string Own = "perm-own";
    private const string Other = "perm-other";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private IKubernetes Admin => onboarding.ControlPlane.Admin;

    public async Task InitializeAsync()
    {
        foreach (var name in new[] { Own, Other })
        {
            await onboarding.Registrations.CreateAsync(new ClusterRegistration
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new ClusterRegistrationSpec { ClusterId = $"id-{name}", ApiEndpoint = $"https://{name}.example:6443", SyncMode = "Pull", Accepted = true },
            });
            await onboarding.WaitForPhaseAsync(name, OnboardingConstants.PhaseRegistered, Timeout);
            await Admin.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new V1LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = 40, RenewTime = DateTime.UtcNow },
            }, KarmadaConstants.ClusterNamespace);
            await Admin.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = OnboardingConstants.AgentLeaderLeaseFor(name) },
                Spec = new V1LeaseSpec { HolderIdentity = name, LeaseDurationSeconds = 15, RenewTime = DateTime.UtcNow },
            }, KarmadaConstants.SystemNamespace);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var name in new[] { Own, Other })
        {
            await onboarding.Registrations.DeleteAsync(name);
            await Admin.CoordinationV1.DeleteNamespacedLeaseAsync(OnboardingConstants.AgentLeaderLeaseFor(name), KarmadaConstants.SystemNamespace);
        }

        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Own) is null && await onboarding.Registrations.GetAsync(Other) is null, Timeout, "registrations removed");
    }

    [Theory]
    [InlineData(OnboardingConstants.AgentUserPrefix, OnboardingConstants.AgentGroup)]
    [InlineData(OnboardingConstants.LegacyAgentUserPrefix, OnboardingConstants.LegacyAgentGroup)]
    public async Task An_agent_writes_its_own_registration_cluster_status_and_lease_and_nothing_of_another_cluster(string userPrefix, string group)
    {
        using var agent = onboarding.ControlPlane.Server.ClientFor(userPrefix + Own, group);
        var registrations = new EntityClient<ClusterRegistration>(agent);
        var clusters = new EntityClient<Cluster>(agent);

        // Its own: allowed.
        await registrations.MergePatchAsync(Own, new { spec = new { region = "eu-1" } });

        // The hub may update the Cluster meanwhile (the patch above changes its region): write the latest version.
        await Eventually.TrueAsync(async () =>
        {
            var latest = (await clusters.GetAsync(Own))!;
            latest.Status = new ClusterStatus { KubernetesVersion = "v1.20.2" };
            try
            {
                await clusters.ReplaceStatusAsync(latest);
                return true;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                return false;
            }
        }, Timeout, "own Cluster status written");
        var own = (await clusters.GetAsync(Own))!;
        var ownLease = await agent.CoordinationV1.ReadNamespacedLeaseAsync(Own, KarmadaConstants.ClusterNamespace);
        ownLease.Spec.RenewTime = DateTime.UtcNow;
        await agent.CoordinationV1.ReplaceNamespacedLeaseAsync(ownLease, Own, KarmadaConstants.ClusterNamespace);
        var ownLeader = await agent.CoordinationV1.ReadNamespacedLeaseAsync(OnboardingConstants.AgentLeaderLeaseFor(Own), KarmadaConstants.SystemNamespace);
        ownLeader.Spec.RenewTime = DateTime.UtcNow;
        await agent.CoordinationV1.ReplaceNamespacedLeaseAsync(ownLeader, ownLeader.Metadata.Name, KarmadaConstants.SystemNamespace);
        var watchable = await agent.CoordinationV1.ListNamespacedLeaseAsync(KarmadaConstants.SystemNamespace, fieldSelector: $"metadata.name={ownLeader.Metadata.Name}");
        Assert.Equal(ownLeader.Metadata.Name, Assert.Single(watchable.Items).Metadata.Name);

        // Another cluster's, or anything else: denied.
        var other = (await clusters.GetAsync(Other))!;
        other.Status = new ClusterStatus { KubernetesVersion = "v0.0.0" };
        var otherLease = await agent.CoordinationV1.ReadNamespacedLeaseAsync(Other, KarmadaConstants.ClusterNamespace);
        otherLease.Spec.HolderIdentity = Own;
        var otherLeader = await agent.CoordinationV1.ReadNamespacedLeaseAsync(OnboardingConstants.AgentLeaderLeaseFor(Other), KarmadaConstants.SystemNamespace);
        otherLeader.Spec.HolderIdentity = Own;
        var hubLeader = await agent.CoordinationV1.ReadNamespacedLeaseAsync("kagent-hub", KarmadaConstants.SystemNamespace);
        hubLeader.Spec.HolderIdentity = Own;
        foreach (var (what, write) in new (string, Func<Task>)[]
        {
            ("patch another registration", () => registrations.MergePatchAsync(Other, new { spec = new { region = "x" } })),
            ("delete another registration", () => agent.CustomObjects.DeleteClusterCustomObjectAsync("kagent.io", "v1beta1", "clusterregistrations", Other)),
            ("write another cluster's status", () => clusters.ReplaceStatusAsync(other)),
            ("renew another cluster's Lease", () => agent.CoordinationV1.ReplaceNamespacedLeaseAsync(otherLease, Other, KarmadaConstants.ClusterNamespace)),
            ("delete another cluster's Lease", () => agent.CoordinationV1.DeleteNamespacedLeaseAsync(Other, KarmadaConstants.ClusterNamespace)),
            ("delete its own Lease", () => agent.CoordinationV1.DeleteNamespacedLeaseAsync(Own, KarmadaConstants.ClusterNamespace)),
            ("take over another agent's leader election", () => agent.CoordinationV1.ReplaceNamespacedLeaseAsync(otherLeader, otherLeader.Metadata.Name, KarmadaConstants.SystemNamespace)),
            ("list another agent's leader election", () => agent.CoordinationV1.ListNamespacedLeaseAsync(KarmadaConstants.SystemNamespace, fieldSelector: $"metadata.name={otherLeader.Metadata.Name}")),
            ("list every leader election", () => agent.CoordinationV1.ListNamespacedLeaseAsync(KarmadaConstants.SystemNamespace)),
            ("take over the hub's leader election", () => agent.CoordinationV1.ReplaceNamespacedLeaseAsync(hubLeader, "kagent-hub", KarmadaConstants.SystemNamespace)),
            ("create a Cluster", () => clusters.CreateAsync(new Cluster { Metadata = new V1ObjectMeta { Name = "perm-new" }, Spec = new ClusterSpec { SyncMode = "Pull" } })),
            ("delete its own Cluster", () => agent.CustomObjects.DeleteClusterCustomObjectAsync(KarmadaConstants.ClusterGroup, KarmadaConstants.ClusterVersion, "clusters", Own)),
            ("change its own Cluster's spec", () => clusters.ReplaceAsync(own)),
            ("read a Secret", () => agent.CoreV1.ListNamespacedSecretAsync(KarmadaConstants.ClusterNamespace)),
            ("write an OnboardingPolicy", () => agent.CustomObjects.CreateClusterCustomObjectAsync(new { apiVersion = "kagent.io/v1beta1", kind = "OnboardingPolicy", metadata = new { name = "mine" }, spec = new { autoAccept = true } }, "kagent.io", "v1beta1", "onboardingpolicies")),
            ("grant itself a role", () => agent.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = "perm-escalate" },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "cluster-admin" },
                Subjects = [new Rbacv1Subject { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = userPrefix + Own }],
            })),
        })
        {
            var denied = await Assert.ThrowsAsync<HttpOperationException>(write);
            Assert.True(denied.Response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {denied.Response.StatusCode} {denied.Response.Content}");
        }
    }

    [Fact]
    public async Task The_per_cluster_roles_exist_while_registered_and_go_with_the_registration()
    {
        var name = AgentPermissions.NameFor(Own);
        Assert.NotNull(await Admin.RbacAuthorizationV1.ReadClusterRoleAsync(name));
        Assert.NotNull(await Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, KarmadaConstants.ClusterNamespace));
        Assert.NotNull(await Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, KarmadaConstants.SystemNamespace));

        await onboarding.Registrations.DeleteAsync(Own);
        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Own) is null, Timeout, "registration removed");
        foreach (var read in new Func<Task>[]
        {
            () => Admin.RbacAuthorizationV1.ReadClusterRoleAsync(name),
            () => Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name),
            () => Admin.RbacAuthorizationV1.ReadNamespacedRoleAsync(name, KarmadaConstants.ClusterNamespace),
            () => Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, KarmadaConstants.ClusterNamespace),
            () => Admin.RbacAuthorizationV1.ReadNamespacedRoleAsync(name, KarmadaConstants.SystemNamespace),
            () => Admin.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, KarmadaConstants.SystemNamespace),
        })
        {
            var gone = await Assert.ThrowsAsync<HttpOperationException>(read);
            Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        }
    }
}
