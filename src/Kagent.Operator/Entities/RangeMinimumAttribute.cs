namespace Kagent.Operator.Entities;

[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeMinimumAttribute(double minimum) : Attribute
{
    public double Minimum { get; } = minimum;
    public bool Exclusive { get; init; }
}
