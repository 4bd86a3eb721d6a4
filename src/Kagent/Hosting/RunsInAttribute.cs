namespace Kagent.Hosting;

/// <summary>Marks a hosted service as part of a role; the role's host picks it up by scanning (Scrutor).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsInAttribute(KagentRole roles) : Attribute
{
    public KagentRole Roles { get; } = roles;
}
