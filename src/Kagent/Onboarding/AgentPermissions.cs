using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Onboarding;

/// <summary>
/// What one agent may write, and nothing of another cluster's: RBAC cannot say "its own object" to a group, so the
/// hub gives each registered cluster's agent (user system:karmada:agent:&lt;cluster&gt;, and Kagent's earlier
/// system:kagent:agent:&lt;cluster&gt;) a ClusterRole and Roles named
/// kagent-agent:&lt;cluster&gt;: patch and delete its ClusterRegistration, update its Cluster's status, update its
/// heartbeat Lease (karmada-cluster) and update and watch its replicas' leader-election Lease (karmada-system, where
/// the hub's and Karmada's own leader Leases are, which agents therefore cannot take over or watch); and, bound in its execution namespace
/// karmada-es-&lt;cluster&gt; only (created if Karmada has not yet), the shared ClusterRole kagent-agent-work for its Works. The group role
/// (config/rbac/agent_role.yaml) keeps only reads and creates, which RBAC cannot
/// narrow by name (and admission checks the registration's name). Removed on deregistration.
/// </summary>
public sealed class AgentPermissions([FromKeyedServices(ClusterNames.Karmada)] KubeClient client)
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ClusterLabel = "kagent.io/cluster";

    public static string NameFor(string cluster) => $"kagent-agent:{cluster}";

    /// <summary>
    /// Creates the cluster's agent roles and bindings where missing, and puts back rules or subjects that someone
    /// changed (a binding to another subject would hand the cluster's writes to it).
    /// </summary>
    public async Task EnsureAsync(string cluster, CancellationToken cancellationToken)
    {
        var rbac = client.RbacAuthorizationV1;
        var name = NameFor(cluster);
        await UpsertAsync(() => rbac.ReadClusterRoleAsync(name, cancellationToken: cancellationToken),
            new V1ClusterRole { Metadata = Meta(cluster, null), Rules = ClusterRules(cluster) },
            r => r.Rules, (existing, desired) => existing.Rules = desired.Rules,
            r => rbac.CreateClusterRoleAsync(r, cancellationToken: cancellationToken),
            r => rbac.ReplaceClusterRoleAsync(r, name, cancellationToken: cancellationToken));
        await UpsertAsync(() => rbac.ReadClusterRoleBindingAsync(name, cancellationToken: cancellationToken),
            new V1ClusterRoleBinding { Metadata = Meta(cluster, null), RoleRef = RoleRef("ClusterRole", name), Subjects = Subjects(cluster) },
            b => b.Subjects, (existing, desired) => existing.Subjects = desired.Subjects,
            b => rbac.CreateClusterRoleBindingAsync(b, cancellationToken: cancellationToken),
            b => rbac.ReplaceClusterRoleBindingAsync(b, name, cancellationToken: cancellationToken));
        foreach (var (ns, lease, verbs) in Leases(cluster))
        {
            await UpsertAsync(() => rbac.ReadNamespacedRoleAsync(name, ns, cancellationToken: cancellationToken),
                new V1Role { Metadata = Meta(cluster, ns), Rules = [LeaseRule(lease, verbs)] },
                r => r.Rules, (existing, desired) => existing.Rules = desired.Rules,
                r => rbac.CreateNamespacedRoleAsync(r, ns, cancellationToken: cancellationToken),
                r => rbac.ReplaceNamespacedRoleAsync(r, name, ns, cancellationToken: cancellationToken));
            await UpsertAsync(() => rbac.ReadNamespacedRoleBindingAsync(name, ns, cancellationToken: cancellationToken),
                new V1RoleBinding { Metadata = Meta(cluster, ns), RoleRef = RoleRef("Role", name), Subjects = Subjects(cluster) },
                b => b.Subjects, (existing, desired) => existing.Subjects = desired.Subjects,
                b => rbac.CreateNamespacedRoleBindingAsync(b, ns, cancellationToken: cancellationToken),
                b => rbac.ReplaceNamespacedRoleBindingAsync(b, name, ns, cancellationToken: cancellationToken));
        }

        // Its Works: the shared ClusterRole kagent-agent-work, bound in this cluster's execution namespace only.
        var executionSpace = KarmadaConstants.ExecutionSpaceFor(cluster);
        await KubeCalls.IgnoreExistingAsync(() => client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = executionSpace } }, cancellationToken: cancellationToken));
        await UpsertAsync(() => rbac.ReadNamespacedRoleBindingAsync(name, executionSpace, cancellationToken: cancellationToken),
            new V1RoleBinding { Metadata = Meta(cluster, executionSpace), RoleRef = RoleRef("ClusterRole", WorkRole), Subjects = Subjects(cluster) },
            b => (b.RoleRef.Name, b.Subjects), (existing, desired) => existing.Subjects = desired.Subjects,
            b => rbac.CreateNamespacedRoleBindingAsync(b, executionSpace, cancellationToken: cancellationToken),
            b => rbac.ReplaceNamespacedRoleBindingAsync(b, name, executionSpace, cancellationToken: cancellationToken));
    }

    /// <summary>What an agent may do with the Works of its execution namespace (config/rbac/agent_role.yaml).</summary>
    public const string WorkRole = "kagent-agent-work";

    /// <summary>Creates the object if missing; if its content (rules, subjects) differs, replaces it with the desired content.</summary>
    private static async Task UpsertAsync<T>(Func<Task<T>> read, T desired, Func<T, object?> content, Action<T, T> adopt,
        Func<T, Task<T>> create, Func<T, Task<T>> replace) where T : class
    {
        var existing = await KubeCalls.OrNullIfMissingAsync(read);
        if (existing is null)
        {
            await KubeCalls.IgnoreExistingAsync(() => create(desired));
            return;
        }

        if (KubeJson.SameOnWire(content(existing), content(desired))) return;
        adopt(existing, desired);
        await replace(existing);
    }

    /// <summary>Removes the cluster's agent roles and bindings (those already gone are fine).</summary>
    public async Task DeleteAsync(string cluster, CancellationToken cancellationToken)
    {
        var rbac = client.RbacAuthorizationV1;
        var name = NameFor(cluster);
        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteClusterRoleBindingAsync(name, cancellationToken: cancellationToken));
        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteClusterRoleAsync(name, cancellationToken: cancellationToken));
        foreach (var (ns, _, _) in Leases(cluster))
        {
            await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteNamespacedRoleBindingAsync(name, ns, cancellationToken: cancellationToken));
            await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteNamespacedRoleAsync(name, ns, cancellationToken: cancellationToken));
        }

        await KubeCalls.IgnoreMissingAsync(() => rbac.DeleteNamespacedRoleBindingAsync(name, KarmadaConstants.ExecutionSpaceFor(cluster), cancellationToken: cancellationToken));
    }

    private static List<V1PolicyRule> ClusterRules(string cluster) =>
    [
        new() { ApiGroups = [Api.KagentConstants.Group], Resources = ["clusterregistrations"], ResourceNames = [cluster], Verbs = ["patch", "delete"] },
        new() { ApiGroups = [KarmadaConstants.ClusterGroup], Resources = ["clusters/status"], ResourceNames = [cluster], Verbs = ["update"] },
    ];

    /// <summary>
    /// The Leases an agent renews: its heartbeat, and its replicas' leader election (karmada-agent's namespace),
    /// which a standby replica also watches (by name) to take over the moment the leader releases it.
    /// </summary>
    private static (string Namespace, string Lease, List<string> Verbs)[] Leases(string cluster) =>
    [
        (KarmadaConstants.ClusterNamespace, cluster, ["update"]),
        (KarmadaConstants.SystemNamespace, OnboardingConstants.AgentLeaderLeaseFor(cluster), ["update", "list", "watch"]),
    ];

    private static V1PolicyRule LeaseRule(string lease, List<string> verbs) =>
        new() { ApiGroups = ["coordination.k8s.io"], Resources = ["leases"], ResourceNames = [lease], Verbs = verbs };

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

    private static V1RoleRef RoleRef(string kind, string name) => new() { ApiGroup = "rbac.authorization.k8s.io", Kind = kind, Name = name };

    /// <summary>Karmada's agent user for the cluster, and Kagent's earlier one while agents move over.</summary>
    private static List<Rbacv1Subject> Subjects(string cluster) =>
        OnboardingConstants.AgentUsersFor(cluster).Select(user => new Rbacv1Subject { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = user }).ToList();
}
