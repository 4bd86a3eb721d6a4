namespace Kagent.Hosting;

[Flags]
public enum KagentRole
{
    Agent = 1,
    Hub = 2,
}

/// <summary>Marks a hosted service as part of a role; the role's host picks it up by scanning (Scrutor).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RunsInAttribute(KagentRole roles) : Attribute
{
    public KagentRole Roles { get; } = roles;
}
