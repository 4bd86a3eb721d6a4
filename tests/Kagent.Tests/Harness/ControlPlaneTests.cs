using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests.Harness;

/// <summary>The test control plane is a real kube-apiserver with etcd, CRDs, RBAC and Leases.</summary>
[Collection(FleetCollection.Name)]
public sealed class ControlPlaneTests(FleetFixture fleet)
{
    private ControlPlane ControlPlane => fleet.ControlPlane;

    [Fact]
    public async Task Namespaces_for_karmada_exist()
    {
        var namespaces = await ControlPlane.Admin.CoreV1.ListNamespaceAsync();
        var names = namespaces.Items.Select(n => n.Metadata.Name).ToList();
        Assert.Contains(KarmadaConstants.SystemNamespace, names);
        Assert.Contains(KarmadaConstants.ClusterNamespace, names);
    }

    [Fact]
    public async Task Custom_resource_round_trips_through_the_status_subresource()
    {
        var client = new EntityClient<ClusterRegistration>(ControlPlane.Admin);
        var created = await client.CreateAsync(new ClusterRegistration
        {
            Metadata = new V1ObjectMeta { Name = "harness-crd-roundtrip" },
            Spec = new ClusterRegistrationSpec { ClusterId = "id-1", ApiEndpoint = "https://10.1.2.3:6443", Zones = ["z1", "z2"] },
            Status = new ClusterRegistrationStatus { Phase = "Registered" },
        });

        // The main resource ignores status; the status subresource ignores spec.
        Assert.Null(created.Status.Phase);
        created.Status.Phase = "Pending";
        created.Status.ObservedGeneration = created.Metadata.Generation;
        created.Spec.Region = "ignored-through-status";
        var updated = await client.ReplaceStatusAsync(created);
        Assert.Equal("Pending", updated.Status.Phase);
        Assert.Null(updated.Spec.Region);

        var read = await client.GetAsync("harness-crd-roundtrip");
        Assert.NotNull(read);
        Assert.Equal("Pending", read!.Status.Phase);
        Assert.Equal(["z1", "z2"], read.Spec.Zones);
        Assert.Equal(1, read.Metadata.Generation);
        Assert.True(await client.DeleteAsync("harness-crd-roundtrip"));
    }

    [Fact]
    public async Task Schema_from_the_csharp_types_is_enforced()
    {
        var client = new EntityClient<Cluster>(ControlPlane.Admin);
        var invalid = new Cluster { Metadata = new V1ObjectMeta { Name = "harness-invalid-mode" }, Spec = new ClusterSpec { SyncMode = "Sideways" } };
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CreateAsync(invalid));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("spec.syncMode", error.Response.Content);
    }

    [Fact]
    public async Task Lease_is_created_and_renewed()
    {
        var leases = ControlPlane.Admin.CoordinationV1;
        var lease = await leases.CreateNamespacedLeaseAsync(new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "harness-lease", NamespaceProperty = KarmadaConstants.ClusterNamespace },
            Spec = new V1LeaseSpec { HolderIdentity = "harness-lease", LeaseDurationSeconds = 40, RenewTime = DateTime.UtcNow.AddSeconds(-5) },
        }, KarmadaConstants.ClusterNamespace);
        var firstRenew = lease.Spec.RenewTime!.Value;

        lease.Spec.RenewTime = DateTime.UtcNow;
        var renewed = await leases.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, KarmadaConstants.ClusterNamespace);
        Assert.True(renewed.Spec.RenewTime > firstRenew);
        Assert.NotEqual(lease.Metadata.ResourceVersion, renewed.Metadata.ResourceVersion);

        // A stale resourceVersion is a conflict: renewals are optimistic, as in client-go.
        lease.Spec.RenewTime = DateTime.UtcNow;
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => leases.ReplaceNamespacedLeaseAsync(lease, lease.Metadata.Name, KarmadaConstants.ClusterNamespace));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
    }

    [Fact]
    public async Task Restricted_identity_is_denied_by_rbac_and_allowed_once_bound()
    {
        const string user = "harness-restricted-user";
        using var restricted = ControlPlane.ClientFor(user, "harness-group");
        var denied = await Assert.ThrowsAsync<HttpOperationException>(() => new EntityClient<Cluster>(restricted).ListAsync());
        Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);
        Assert.Contains(user, denied.Response.Content);

        await ControlPlane.Admin.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "harness-cluster-reader" },
            Rules = [new V1PolicyRule { ApiGroups = [KarmadaConstants.ClusterGroup], Resources = ["clusters"], Verbs = ["list"] }],
        });
        await ControlPlane.Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "harness-cluster-reader" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "harness-cluster-reader" },
            Subjects = [new Rbacv1Subject { Kind = "Group", Name = "harness-group", ApiGroup = "rbac.authorization.k8s.io" }],
        });

        await Kagent.Testing.Eventually.TrueAsync(async () =>
        {
            await new EntityClient<Cluster>(restricted).ListAsync();
            return true;
        }, TimeSpan.FromSeconds(10), "RBAC binding takes effect");
        var stillDenied = await Assert.ThrowsAsync<HttpOperationException>(() => restricted.CoreV1.ListNamespaceAsync());
        Assert.Equal(HttpStatusCode.Forbidden, stillDenied.Response.StatusCode);
    }
}
