namespace Kagent.Operator.Entities;

[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredAttribute : Attribute;
