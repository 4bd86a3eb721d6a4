namespace Kagent.Operator.Entities;

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
