namespace Kagent.Operator.Entities;

/// <summary>Leaves the property out of the generated schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IgnoreInSchemaAttribute : Attribute;
