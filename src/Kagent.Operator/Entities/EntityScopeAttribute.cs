namespace Kagent.Operator.Entities;

/// <summary>Whether the resource is namespaced (the default) or cluster-scoped.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EntityScopeAttribute(EntityScope scope) : Attribute
{
    public EntityScope Scope { get; } = scope;
}
