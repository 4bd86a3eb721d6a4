using k8s;
using k8s.Models;

namespace Kagent.Testing.Servers;

/// <summary>A permission: verb on group/resource, cluster-wide (Namespace null) or in one namespace.</summary>
public sealed record Permission(string ApiGroup, string Resource, string Verb, string? Namespace)
{
    public override string ToString() => $"{Verb} {(ApiGroup.Length == 0 ? "" : ApiGroup + "/")}{Resource}{(Namespace is null ? "" : " in " + Namespace)}";

    public static List<Permission> Expand(IEnumerable<V1PolicyRule> rules, string? ns) =>
    [
        .. from rule in rules
        from apiGroup in rule.ApiGroups ?? [""]
        from resource in rule.Resources ?? []
        from verb in rule.Verbs
        select new Permission(apiGroup, resource, verb, ns),
    ];
}

/// <summary>What manifests give one ServiceAccount: permissions of the roles they define, and the built-in roles they bind.</summary>
public sealed record GivenPermissions(List<Permission> Own, List<(string Role, List<Permission> Permissions)> BuiltIn);

/// <summary>
/// Proves least privilege from kube-apiserver's audit log: each permission that RBAC manifests give an identity must
/// be one it used (or one it granted to someone else, which RBAC allows only to holders), and each built-in role
/// bound to it must have been used.
/// </summary>
public static class RbacCoverage
{
    /// <summary>Reads the RBAC objects of the given manifest files (relative to the repository root).</summary>
    public static async Task<GivenPermissions> GivenToServiceAccountAsync(IKubernetes server, string serviceAccountNamespace, string serviceAccount,
        params string[] manifests)
    {
        var root = RepositoryRoot.Find();
        var objects = manifests.SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(root, f)))).ToList();
        var clusterRoles = objects.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name);
        var roles = objects.OfType<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
        bool IsSubject(IEnumerable<Rbacv1Subject>? subjects) =>
            subjects?.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == serviceAccountNamespace) == true;

        var given = new GivenPermissions([], []);
        foreach (var binding in objects.OfType<V1ClusterRoleBinding>().Where(b => IsSubject(b.Subjects)))
        {
            if (clusterRoles.TryGetValue(binding.RoleRef.Name, out var defined)) given.Own.AddRange(Permission.Expand(defined.Rules, null));
            else given.BuiltIn.Add(($"ClusterRole {binding.RoleRef.Name}", Permission.Expand((await server.RbacAuthorizationV1.ReadClusterRoleAsync(binding.RoleRef.Name)).Rules, null)));
        }

        foreach (var binding in objects.OfType<V1RoleBinding>().Where(b => IsSubject(b.Subjects)))
        {
            var ns = binding.Metadata.NamespaceProperty;
            var rules = binding.RoleRef.Kind == "ClusterRole"
                ? clusterRoles.GetValueOrDefault(binding.RoleRef.Name)?.Rules
                : roles.GetValueOrDefault((ns, binding.RoleRef.Name))?.Rules;
            if (rules is not null) given.Own.AddRange(Permission.Expand(rules, ns));
            else given.BuiltIn.Add(($"{binding.RoleRef.Kind} {ns}/{binding.RoleRef.Name}",
                Permission.Expand((await server.RbacAuthorizationV1.ReadNamespacedRoleAsync(binding.RoleRef.Name, ns)).Rules, ns)));
        }

        return given;
    }

    /// <summary>
    /// One line per permission (used, granted, or NOT NEEDED) and per built-in role; and the problems: requests
    /// denied, permissions neither used nor granted, built-in roles not used.
    /// </summary>
    public static (List<string> Report, List<string> Problems) Check(GivenPermissions given, IReadOnlyList<AuditedRequest> requests, IReadOnlyList<Permission> granted)
    {
        var report = new List<string>();
        var problems = requests.Where(r => !r.Allowed).Select(r => $"denied: {r.Verb} {r.ApiGroup}/{r.RbacResource} {r.Namespace}/{r.Name}").Distinct().ToList();
        var used = requests.Where(r => r.Allowed).Select(r => new Permission(r.ApiGroup, r.RbacResource, r.Verb, r.Namespace)).ToHashSet();
        // kube-apiserver checks approve on signers with each update of a CertificateSigningRequest's approval.
        if (used.Any(u => u is { ApiGroup: "certificates.k8s.io", Resource: "certificatesigningrequests/approval", Verb: "update" }))
            used.Add(new Permission("certificates.k8s.io", "signers", "approve", null));
        bool Used(Permission p) => used.Any(u => u.ApiGroup == p.ApiGroup && u.Resource == p.Resource && u.Verb == p.Verb && (p.Namespace is null || u.Namespace == p.Namespace));
        // A cluster-wide permission is what lets the hub grant it in a namespace named per cluster (karmada-es-<cluster>).
        bool Granted(Permission p) => granted.Any(g => g.ApiGroup == p.ApiGroup && g.Resource == p.Resource && g.Verb == p.Verb && (p.Namespace is null || g.Namespace == p.Namespace));

        foreach (var permission in given.Own.Distinct())
        {
            var why = Used(permission) ? "used" : Granted(permission) ? "granted to another identity" : null;
            report.Add($"{permission}: {why ?? "NOT NEEDED"}");
            if (why is null) problems.Add($"neither used nor granted: {permission}");
        }

        foreach (var (role, permissions) in given.BuiltIn)
        {
            var usedOnes = permissions.Where(Used).ToList();
            report.Add($"built-in {role}: used {string.Join(", ", usedOnes)}");
            if (usedOnes.Count == 0) problems.Add($"bound to {role} but used none of it");
        }

        return (report, problems);
    }
}
