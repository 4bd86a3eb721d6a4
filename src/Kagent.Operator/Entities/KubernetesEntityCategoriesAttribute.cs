namespace Kagent.Operator.Entities;

[AttributeUsage(AttributeTargets.Class)]
public sealed class KubernetesEntityCategoriesAttribute(params string[] categories) : Attribute
{
    public IReadOnlyList<string> Categories { get; } = categories;
}
