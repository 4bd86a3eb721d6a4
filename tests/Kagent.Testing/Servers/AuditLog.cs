using System.Text.Json;

namespace Kagent.Testing.Servers;

/// <summary>One request as kube-apiserver's audit log records it (level Metadata).</summary>
public sealed record AuditedRequest(string User, string Verb, string ApiGroup, string Resource, string? Subresource, string? Namespace, string? Name,
    int Code, string? Decision)
{
    /// <summary>The resource as RBAC names it: "clusters" or "clusters/status".</summary>
    public string RbacResource => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    public bool Allowed => Decision == "allow";
}

/// <summary>Reads the audit log an <see cref="ApiServer"/> writes for <see cref="ApiServerOptions.AuditedUsers"/>.</summary>
public static class AuditLog
{
    public static IReadOnlyList<AuditedRequest> Read(string path)
    {
        var requests = new List<AuditedRequest>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            if (!e.TryGetProperty("objectRef", out var o)) continue;   // non-resource requests (/api, /healthz)
            requests.Add(new AuditedRequest(
                e.GetProperty("user").GetProperty("username").GetString()!,
                e.GetProperty("verb").GetString()!,
                Text(o, "apiGroup") ?? "",
                Text(o, "resource") ?? "",
                Text(o, "subresource"),
                Text(o, "namespace"),
                Text(o, "name"),
                e.TryGetProperty("responseStatus", out var status) && status.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
                e.TryGetProperty("annotations", out var annotations) ? Text(annotations, "authorization.k8s.io/decision") : null));
        }

        return requests;
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
