namespace Kagent.Agent.Status;

public enum EnablementsCompleteness
{
    Complete,
    Partial,
    Empty,
}
