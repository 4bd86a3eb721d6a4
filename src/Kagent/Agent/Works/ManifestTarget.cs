using System.Text.Json.Nodes;

namespace Kagent.Agent.Works;

/// <summary>What a manifest names: apiVersion, kind, namespace and name.</summary>
public sealed record ManifestTarget(string ApiVersion, string Kind, string? Namespace, string Name)
{
    public static ManifestTarget? Parse(JsonObject manifest)
    {
        var apiVersion = manifest.String("apiVersion");
        var kind = manifest.String("kind");
        var name = manifest.String("metadata.name");
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(name)) return null;
        var ns = manifest.String("metadata.namespace");
        return new ManifestTarget(apiVersion, kind, string.IsNullOrEmpty(ns) ? null : ns, name);
    }

    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";

    public string Version => ApiVersion.Contains('/') ? ApiVersion[(ApiVersion.IndexOf('/') + 1)..] : ApiVersion;

    public override string ToString() => $"{ApiVersion} {Kind} {(Namespace is null ? "" : Namespace + "/")}{Name}";
}
