namespace Kagent.Configuration;

/// <summary>
/// The signal conditions the agent writes on its Karmada Cluster beside Ready (--signal-conditions) and their
/// thresholds; the defaults here are the flags' defaults.
/// </summary>
public sealed record SignalOptions
{
    public const string NodesReady = "NodesReady";
    public const string ControlPlaneHealthy = "ControlPlaneHealthy";
    public const string CapacityPressure = "CapacityPressure";
    public const string ClockSynchronized = "ClockSynchronized";
    public const string AgentHealthy = "AgentHealthy";

    /// <summary>Every signal, by its name in --signal-conditions (the condition type is kagent.io/&lt;name&gt;).</summary>
    public static readonly IReadOnlyList<string> Names = [NodesReady, ControlPlaneHealthy, CapacityPressure, ClockSynchronized, AgentHealthy];

    public static SignalOptions Default { get; } = new();

    public IReadOnlySet<string> Enabled { get; init; } = Names.ToHashSet(StringComparer.Ordinal);

    /// <summary>NodesReady is False when fewer than this share of the nodes are Ready.</summary>
    public int NodesReadyPercent { get; init; } = 90;

    /// <summary>CapacityPressure is True when requests reach this share of allocatable CPU, memory or pods.</summary>
    public int CapacityPercent { get; init; } = 90;

    /// <summary>ClockSynchronized is False when the agent's or the member's clock is further than this from the control plane's.</summary>
    public TimeSpan ClockSkewThreshold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// AgentHealthy is False when one of the agent's caches has been without a watch, or a Work has waited in its
    /// queue, longer than this.
    /// </summary>
    public TimeSpan AgentStallThreshold { get; init; } = TimeSpan.FromMinutes(2);

    public bool IsEnabled(string name) => Enabled.Contains(name);

    /// <summary>--signal-conditions: "*", names and "-name" as --controllers; empty turns every signal off.</summary>
    public static (SignalOptions? Options, string? Problem) ParseEnabled(IReadOnlyList<string> items, SignalOptions baseline)
    {
        if (items.Count == 0) return (baseline with { Enabled = new HashSet<string>() }, null);
        var (enabled, problem) = FlagValues.ParseSelection(items, Names, "signal");
        return enabled is null ? (null, problem) : (baseline with { Enabled = enabled }, null);
    }
}
