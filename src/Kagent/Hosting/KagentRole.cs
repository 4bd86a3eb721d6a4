namespace Kagent.Hosting;

[Flags]
public enum KagentRole
{
    Agent = 1,
    Hub = 2,
}
