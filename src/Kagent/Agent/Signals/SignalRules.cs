using System.Globalization;
using Kagent.Agent.Health;
using Kagent.Agent.Status;
using Kagent.Configuration;

namespace Kagent.Agent.Signals;

/// <summary>
/// Each signal's rule: what it observes, with its reasons and a message that says what was seen. A null result
/// means the signal cannot be measured this round (its caches are not synced yet); its condition stays as posted.
/// Messages hold no timestamps or ages, so an unchanged state never rewrites the Cluster.
/// </summary>
public static class SignalRules
{
    public static SignalObservation? NodesReady(ResourceSnapshot? snapshot, int thresholdPercent)
    {
        if (snapshot is null) return null;
        var type = SignalObservation.TypeOf(SignalOptions.NodesReady);
        if (snapshot.Nodes == 0) return new(type, "False", "NoNodes", "the cluster has no nodes");
        var percent = snapshot.ReadyNodes * 100 / snapshot.Nodes;
        var seen = $"{snapshot.ReadyNodes} of {snapshot.Nodes} nodes are Ready ({percent}%; threshold {thresholdPercent}%)";
        return percent >= thresholdPercent ? new(type, "True", "EnoughNodesReady", seen) : new(type, "False", "TooFewNodesReady", seen);
    }

    public static SignalObservation ControlPlaneHealthy(HealthResult health)
    {
        var type = SignalObservation.TypeOf(SignalOptions.ControlPlaneHealthy);
        if (health.Outcome == HealthOutcome.Unreachable) return new(type, "Unknown", "NotReachable", $"the member's API server did not answer: {health.Detail}");
        return health.FailingChecks.Count == 0
            ? new(type, "True", "ChecksPassing", health.LiveChecked ? "every /readyz and /livez check passes" : "every /readyz check passes (they include the /livez checks)")
            : new(type, "False", "ChecksFailing", $"failing: {string.Join(", ", health.FailingChecks)}");
    }

    public static SignalObservation? CapacityPressure(ResourceSnapshot? snapshot, int thresholdPercent)
    {
        if (snapshot is null) return null;
        var type = SignalObservation.TypeOf(SignalOptions.CapacityPressure);
        var used = new (string Name, string Reason, decimal Allocated, decimal Allocatable)[]
        {
            ("cpu", "CPUPressure", snapshot.Allocated.CpuCores, snapshot.Allocatable.CpuCores),
            ("memory", "MemoryPressure", snapshot.Allocated.MemoryBytes, snapshot.Allocatable.MemoryBytes),
            ("pods", "PodsPressure", snapshot.Allocated.PodCount, snapshot.Allocatable.PodCount),
        }.Where(r => r.Allocatable > 0).Select(r => (r.Name, r.Reason, Percent: (int)Math.Floor(r.Allocated * 100 / r.Allocatable))).ToList();
        if (used.Count == 0) return new(type, "False", "NoAllocatable", "the nodes report nothing allocatable");
        var pressed = used.Where(r => r.Percent >= thresholdPercent).ToList();
        var seen = string.Join(", ", used.Select(r => $"{r.Name} {r.Percent.ToString(CultureInfo.InvariantCulture)}%"));
        return pressed.Count == 0
            ? new(type, "False", "NoPressure", $"requests use {seen} of allocatable (threshold {thresholdPercent}%)")
            : new(type, "True", pressed.Count == 1 ? pressed[0].Reason : "MultiplePressure", $"requests use {seen} of allocatable (threshold {thresholdPercent}%)");
    }

    /// <summary>
    /// The agent's and the member's clocks against the control plane's, from Date headers (whole seconds, so one
    /// second is allowed for their rounding). The message rounds to whole seconds so that it stays stable.
    /// </summary>
    public static SignalObservation? ClockSynchronized(ClockReading? reading, TimeSpan threshold)
    {
        if (reading is null) return null;
        var type = SignalObservation.TypeOf(SignalOptions.ClockSynchronized);
        var agent = reading.AgentOffset;
        var member = reading.MemberOffset;
        var limit = threshold + TimeSpan.FromSeconds(1);
        var off = new List<string>();
        if (agent.Duration() > limit) off.Add($"the agent's clock is {Seconds(agent)} off the control plane's");
        if (member is { } m && m.Duration() > limit) off.Add($"the member's clock is {Seconds(m)} off the control plane's");
        return off.Count == 0
            ? new(type, "True", "ClocksInSync", $"the agent's and the member's clocks are within {Seconds(threshold)} of the control plane's")
            : new(type, "False", "ClockSkewed", $"{string.Join("; ", off)} (threshold {Seconds(threshold)})");
    }

    /// <summary>
    /// The agent's own health: every cache listed and watching, no key waiting in a queue longer than the stall
    /// threshold, no request throttled within the last minute (by the client's QPS or the server's 429), and its
    /// version not newer than the hub's nor more than one minor older. Counts and ages stay out of the message.
    /// </summary>
    public static SignalObservation AgentHealthy(AgentSelfReport report, TimeSpan stall)
    {
        var type = SignalObservation.TypeOf(SignalOptions.AgentHealthy);
        var problems = new List<(string Reason, string Seen)>();
        foreach (var cache in report.Caches.Where(c => c.Unwatched >= stall).DistinctBy(c => c.Resource).OrderBy(c => c.Resource, StringComparer.Ordinal))
            problems.Add(("CachesStale", cache.Synced ? $"the {cache.Resource} cache has had no watch for over {Seconds(stall)}" : $"the {cache.Resource} cache has not listed in {Seconds(stall)}"));
        foreach (var queue in report.Queues.Where(q => q.LongestWait >= stall).OrderBy(q => q.Name, StringComparer.Ordinal))
            problems.Add(("QueueBacklog", $"keys have waited over {Seconds(stall)} in the {queue.Name} queue"));
        foreach (var throttled in report.Throttling.Where(t => t.ClientSide || t.ServerSide).OrderBy(t => t.Cluster, StringComparer.Ordinal))
        {
            if (throttled.ClientSide)
                problems.Add(("Throttled", $"requests to the {throttled.Cluster} API server waited {Seconds(Kube.RateLimitingHandler.LongWait)} or more for the client's rate limit ({throttled.Qps.ToString(CultureInfo.InvariantCulture)} QPS) in the last minute"));
            if (throttled.ServerSide)
                problems.Add(("Throttled", $"the {throttled.Cluster} API server answered 429 Too Many Requests in the last minute"));
        }

        var versions = VersionSkew(report.AgentVersion, report.HubVersion);
        if (versions.Skewed) problems.Add(("VersionSkew", versions.Seen));
        if (problems.Count == 0) return new(type, "True", "AgentHealthy", $"caches watching, no queue backlog, not throttled; {versions.Seen}");
        var reasons = problems.Select(p => p.Reason).Distinct().ToList();
        return new(type, "False", reasons.Count == 1 ? reasons[0] : "MultipleProblems", string.Join("; ", problems.Select(p => p.Seen)));
    }

    /// <summary>The agent may be as new as the hub and at most one minor older, as Kubernetes allows a kubelet behind its API server.</summary>
    private static (bool Skewed, string Seen) VersionSkew(string agentVersion, string? hubVersion)
    {
        if (AgentSelfCheck.MajorMinor(hubVersion) is not { } hub || AgentSelfCheck.MajorMinor(agentVersion) is not { } agent)
            return (false, $"agent {agentVersion}, hub version not known");
        var seen = $"agent {agentVersion}, hub {hubVersion}";
        if (agent.Major > hub.Major || (agent.Major == hub.Major && agent.Minor > hub.Minor)) return (true, $"{seen}: the agent is newer than the hub");
        return agent.Major < hub.Major || hub.Minor - agent.Minor > 1 ? (true, $"{seen}: the agent is more than one minor version behind the hub") : (false, seen);
    }

    private static string Seconds(TimeSpan span) => $"{Math.Round(span.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s";
}
