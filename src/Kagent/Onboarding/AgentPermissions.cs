using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Onboarding;

/// <summary>
/// What one agent may write, and nothing of another cluster's: RBAC cannot say "its own object" to a group, so the
/// hub gives each registered cluster's agent (user system:kagent:agent:&lt;cluster&gt;) a ClusterRole and a Role named
/// kagent-agent:&lt;cluster&gt;: patch and delete its ClusterRegistration, update its Cluster's status, update its
/// heartbeat Lease. The group role (config/rbac/agent_role.yaml) keeps only reads and creates, which RBAC cannot
/// narrow by name (and admission checks the registration's name). Removed on deregistration.
/// </summary>
public sealed class AgentPermissions([FromKeyedServices(ClusterNames.Karmada)] KubeClient client)
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ClusterLabel = "kagent.io/cluster";

    public static string NameFor(string cluster) => $"kagent-agent:{cluster}";

    /// <summary>Creates the cluster's agent roles and bindings where missing or different.</summary>
    public async Task EnsureAsync(string cluster, CancellationToken cancellationToken)
    {
        var rbac = client.RbacAuthorizationV1;
        var name = NameFor(cluster);
        var clusterRules = ClusterRules(cluster);
        var existingClusterRole = await KubeCalls.OrNullIfMissingAsync(() => rbac.ReadClusterRoleAsync(name, cancellationToken: cancellationToken));
        if (existingClusterRole is null)
            await KubeCalls.IgnoreExistingAsync(() => rbac.CreateClusterRoleAsync(new V1ClusterRole { Metadata = Meta(cluster, null), Rules = clusterRules }, cancellationToken: cancellationToken));
        else if (!KubeJson.SameOnWire(existingClusterRole.Rules, clusterRules))
        {
            existingClusterRole.Rules = clusterRules;
            await rbac.ReplaceClusterRoleAsync(existingClusterRole, name, cancellationToken: cancellationToken);
        }

        if (await KubeCalls.OrNullIfMissingAsync(() => rbac.ReadClusterRoleBindingAsync(name, cancellationToken: cancellationToken)) is null)
        {
            await KubeCalls.IgnoreExistingAsync(() => rbac.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
            {
                Metadata = Meta(cluster, null),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name },
                Subjects = [Subject(cluster)],
            }, cancellationToken: cancellationToken));
        }

        var ns = KarmadaConstants.ClusterNamespace;
        var leaseRules = LeaseRules(cluster);
        var existingRole = await KubeCalls.OrNullIfMissingAsync(() => rbac.ReadNamespacedRoleAsync(name, ns, cancellationToken: cancellationToken));
        if (existingRole is null)
            await KubeCalls.IgnoreExistingAsync(() => rbac.CreateNamespacedRoleAsync(new V1Role { Metadata = Meta(cluster, ns), Rules = leaseRules }, ns, cancellationToken: cancellationToken));
        else if (!KubeJson.SameOnWire(existingRole.Rules, leaseRules))
        {
            existingRole.Rules = leaseRules;
            await rbac.ReplaceNamespacedRoleAsync(existingRole, name, ns, cancellationToken: cancellationToken);
        }

        if (await KubeCalls.OrNullIfMissingAsync(() => rbac.ReadNamespacedRoleBindingAsync(name, ns, cancellationToken: cancellationToken)) is null)
        {
            await KubeCalls.IgnoreExistingAsync(() => rbac.CreateNamespacedRoleBindingAsync(new V1RoleBinding
            {
                Metadata = Meta(cluster, ns),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
                Subjects = [Subject(cluster)],
            }, ns, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Removes the cluster's agent roles and bindings (those already gone are fine).</summary>
    public async Task DeleteAsync(string cluster, CancellationToken cancellationToken)
    {
        var rbac = client.RbacAuthorizationV1;
        var name = NameFor(cluster);
        var ns = KarmadaConstants.ClusterNamespace;
        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteClusterRoleBindingAsync(name, cancellationToken: cancellationToken));
        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteClusterRoleAsync(name, cancellationToken: cancellationToken));
        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteNamespacedRoleBindingAsync(name, ns, cancellationToken: cancellationToken));
        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteNamespacedRoleAsync(name, ns, cancellationToken: cancellationToken));
    }

    private static List<V1PolicyRule> ClusterRules(string cluster) =>
    [
        new() { ApiGroups = [Api.KagentConstants.Group], Resources = ["clusterregistrations"], ResourceNames = [cluster], Verbs = ["patch", "delete"] },
        new() { ApiGroups = [KarmadaConstants.ClusterGroup], Resources = ["clusters/status"], ResourceNames = [cluster], Verbs = ["update"] },
    ];

    private static List<V1PolicyRule> LeaseRules(string cluster) =>
    [
        new() { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], ResourceNames = [cluster], Verbs = ["update"] },
    ];

    private static V1ObjectMeta Meta(string cluster, string? ns) => new()
    {
        Name = NameFor(cluster),
        NamespaceProperty = ns,
        Labels = new Dictionary<string, string>
        {
            [ManagedByLabel] = "kagent", [ClusterLabel] = cluster,
            ["app.kubernetes.io/name"] = "kagent", ["app.kubernetes.io/component"] = "agent",
        },
    };

    private static Rbacv1Subject Subject(string cluster) =>
        new() { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = OnboardingConstants.AgentUserFor(cluster) };
}
