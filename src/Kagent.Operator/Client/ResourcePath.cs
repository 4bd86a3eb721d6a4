using System.Text;
using Kagent.Operator.Entities;

namespace Kagent.Operator.Client;

/// <summary>The REST path of a resource: /api/v1/pods, /apis/group/version/namespaces/ns/plural.</summary>
public sealed record ResourcePath(string Group, string Version, string Plural, string? Namespace = null)
{
    public static ResourcePath For<T>(string? ns = null)
    {
        var entity = EntityMetadata.For<T>();
        return new ResourcePath(entity.Group, entity.Version, entity.Plural, ns);
    }

    public string Collection
    {
        get
        {
            var prefix = string.IsNullOrEmpty(Group) ? $"api/{Version}" : $"apis/{Group}/{Version}";
            return Namespace is null ? $"{prefix}/{Plural}" : $"{prefix}/namespaces/{Namespace}/{Plural}";
        }
    }

    /// <summary>The collection path with query parameters; null values are left out.</summary>
    public string WithQuery(params (string Name, string? Value)[] parameters)
    {
        var text = new StringBuilder(Collection);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            if (value is null) continue;
            text.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return text.ToString();
    }

    /// <summary>plural.group (plural alone for the core group), as kubectl names a resource.</summary>
    public string Resource => string.IsNullOrEmpty(Group) ? Plural : $"{Plural}.{Group}";

    public override string ToString() => Collection;
}
