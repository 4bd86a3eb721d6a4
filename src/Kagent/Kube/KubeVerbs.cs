namespace Kagent.Kube;

/// <summary>The Kubernetes verb of a REST request, as kube-apiserver names it in RBAC, audit logs and metrics.</summary>
public static class KubeVerbs
{
    public static string Of(string method, string path, string? query)
    {
        var collection = IsCollection(path);
        return method switch
        {
            "GET" when IsWatch(query) => "watch",
            "GET" => collection ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => collection ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
    }

    public static bool IsWatch(string? query) =>
        query is { Length: > 0 } && (query.Contains("watch=true", StringComparison.Ordinal) || query.Contains("watch=1", StringComparison.Ordinal));

    /// <summary>/api/v1/[namespaces/ns/]plural or /apis/group/version/[namespaces/ns/]plural, without a name.</summary>
    public static bool IsCollection(string path)
    {
        var segments = path.Trim('/').Split('/');
        var skip = segments switch
        {
            ["api", _, ..] => 2,
            ["apis", _, _, ..] => 3,
            _ => -1,
        };
        if (skip < 0 || segments.Length <= skip) return false;
        var rest = segments.AsSpan(skip);
        if (rest.Length >= 3 && rest[0] == "namespaces") rest = rest[2..];
        return rest.Length == 1;
    }
}
