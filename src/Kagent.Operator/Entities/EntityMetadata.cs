using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace Kagent.Operator.Entities;

/// <summary>What the runtime needs to address an entity type on the API server.</summary>
public sealed record EntityMetadata(
    string Group,
    string Version,
    string Kind,
    string Plural,
    string Singular,
    EntityScope Scope,
    IReadOnlyList<string> ShortNames,
    IReadOnlyList<string> Categories)
{
    private static readonly ConcurrentDictionary<Type, EntityMetadata> Cache = new();

    public string GroupVersion => string.IsNullOrEmpty(Group) ? Version : $"{Group}/{Version}";

    public bool Namespaced => Scope == EntityScope.Namespaced;

    /// <summary>The CRD's name: plural.group.</summary>
    public string CrdName => $"{Plural}.{Group}";

    public static EntityMetadata For<T>() => For(typeof(T));

    public static EntityMetadata For(Type type) => Cache.GetOrAdd(type, Read);

    private static EntityMetadata Read(Type type)
    {
        var attribute = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{type.FullName} has no [KubernetesEntity] attribute.");
        var singular = attribute.Kind.ToLowerInvariant();
        var plural = string.IsNullOrEmpty(attribute.PluralName) ? Pluralize(singular) : attribute.PluralName;
        return new EntityMetadata(
            attribute.Group ?? "",
            attribute.ApiVersion,
            attribute.Kind,
            plural,
            singular,
            type.GetCustomAttribute<EntityScopeAttribute>()?.Scope ?? EntityScope.Namespaced,
            type.GetCustomAttribute<KubernetesEntityShortNamesAttribute>()?.ShortNames ?? [],
            type.GetCustomAttribute<KubernetesEntityCategoriesAttribute>()?.Categories ?? []);
    }

    private static string Pluralize(string singular) =>
        singular.EndsWith('s') || singular.EndsWith('x') || singular.EndsWith("ch") || singular.EndsWith("sh") ? singular + "es"
        : singular.EndsWith('y') && singular.Length > 1 && !"aeiou".Contains(singular[^2]) ? singular[..^1] + "ies"
        : singular + "s";
}
