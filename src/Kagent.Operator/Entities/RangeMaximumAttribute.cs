namespace Kagent.Operator.Entities;

[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeMaximumAttribute(double maximum) : Attribute
{
    public double Maximum { get; } = maximum;
    public bool Exclusive { get; init; }
}
