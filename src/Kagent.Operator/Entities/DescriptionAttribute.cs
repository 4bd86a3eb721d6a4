namespace Kagent.Operator.Entities;

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property)]
public sealed class DescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
