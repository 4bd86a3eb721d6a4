namespace Kagent.Operator.Entities;

/// <summary>String length, or array item count, bounds; -1 means unbounded.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int minLength = -1, int maxLength = -1) : Attribute
{
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
}
