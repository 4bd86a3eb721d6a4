namespace Kagent.Agent.Health;

public enum HealthOutcome
{
    Ok,

    /// <summary>The API server answered, but not ok.</summary>
    NotOk,

    /// <summary>No answer: connection refused or reset, TLS failure, or a timeout.</summary>
    Unreachable,
}
