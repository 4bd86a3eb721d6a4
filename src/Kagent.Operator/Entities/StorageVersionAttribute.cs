namespace Kagent.Operator.Entities;

/// <summary>Marks the entity's version as the storage version (the default when only one version exists).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StorageVersionAttribute : Attribute;
