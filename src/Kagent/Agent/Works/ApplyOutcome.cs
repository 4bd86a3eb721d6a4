namespace Kagent.Agent.Works;

public enum ApplyOutcome
{
    Created,
    Updated,
    Unchanged,
    Failed,
}
