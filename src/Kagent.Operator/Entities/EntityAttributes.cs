namespace Kagent.Operator.Entities;

public enum EntityScope
{
    Namespaced,
    Cluster,
}

/// <summary>Whether the resource is namespaced (the default) or cluster-scoped.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EntityScopeAttribute(EntityScope scope) : Attribute
{
    public EntityScope Scope { get; } = scope;
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class KubernetesEntityShortNamesAttribute(params string[] shortNames) : Attribute
{
    public IReadOnlyList<string> ShortNames { get; } = shortNames;
}

[AttributeUsage(AttributeTargets.Class)]
public sealed class KubernetesEntityCategoriesAttribute(params string[] categories) : Attribute
{
    public IReadOnlyList<string> Categories { get; } = categories;
}

/// <summary>Marks the entity's version as the storage version (the default when only one version exists).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StorageVersionAttribute : Attribute;

/// <summary>A printer column for <c>kubectl get</c>; priority 1 shows only with <c>-o wide</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class AdditionalPrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public int Priority { get; init; }
    public string? Description { get; init; }
    public string? Format { get; init; }
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property)]
public sealed class DescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;

[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>String length, or array item count, bounds; -1 means unbounded.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int minLength = -1, int maxLength = -1) : Attribute
{
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeMinimumAttribute(double minimum) : Attribute
{
    public double Minimum { get; } = minimum;
    public bool Exclusive { get; init; }
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeMaximumAttribute(double maximum) : Attribute
{
    public double Maximum { get; } = maximum;
    public bool Exclusive { get; init; }
}

/// <summary>Restricts a string property to the given values.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnumValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary>Keeps fields the schema does not name (x-kubernetes-preserve-unknown-fields).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;

/// <summary>A list whose items are merged by key in server-side apply (x-kubernetes-list-type: map).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeysAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>Leaves the property out of the generated schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IgnoreInSchemaAttribute : Attribute;
