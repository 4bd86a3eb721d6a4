using k8s.Models;

namespace Kagent.Agent.Signals;

/// <summary>What one signal sees this round, as the condition it would post (before the debounce).</summary>
public sealed record SignalObservation(string Type, string Status, string Reason, string Message)
{
    public const string TypePrefix = "kagent.io/";

    public static string TypeOf(string name) => TypePrefix + name;

    public V1Condition ToCondition() => new() { Type = Type, Status = Status, Reason = Reason, Message = Message };
}
