using System.Text.RegularExpressions;
using Kagent.Kube;
using Kagent.Operator.Diagnostics;

namespace Kagent.Agent.Signals;

/// <summary>One API server's throttling within the last <see cref="AgentSelfCheck.ThrottleWindow"/>.</summary>
public sealed record ThrottleState(string Cluster, float Qps, bool ClientSide, bool ServerSide);

/// <summary>What the agent sees of itself: its caches, its queues, whether it is throttled, and its version against the hub's.</summary>
public sealed record AgentSelfReport(
    IReadOnlyList<CacheState> Caches,
    IReadOnlyList<QueueState> Queues,
    IReadOnlyList<ThrottleState> Throttling,
    string AgentVersion,
    string? HubVersion);

/// <summary>
/// Reads the agent's own health for kagent.io/AgentHealthy: the caches and queues the runtime tracks, and each API
/// client's recent throttling (a wait of a second or more for its rate limit, or a 429 from the server).
/// </summary>
public sealed partial class AgentSelfCheck(RuntimeHealth runtime, IEnumerable<ClusterConnection> connections, string agentVersion)
{
    /// <summary>How far back a throttled request still counts.</summary>
    public static readonly TimeSpan ThrottleWindow = TimeSpan.FromMinutes(1);

    public AgentSelfReport Read(string? hubVersion) => new(
        runtime.Caches(),
        runtime.Queues(),
        connections.Select(c => new ThrottleState(c.Name, c.Limiter.Qps, Recent(c.Limiter.SinceLongWait), Recent(c.Requests.SinceTooManyRequests))).ToList(),
        agentVersion,
        hubVersion);

    private static bool Recent(TimeSpan? since) => since is { } s && s <= ThrottleWindow;

    /// <summary>The major and minor of a version ("0.3.1", "v1.2.0-rc.1"); null when it is not one.</summary>
    public static (int Major, int Minor)? MajorMinor(string? version) =>
        version is not null && VersionPattern().Match(version) is { Success: true } m ? (int.Parse(m.Groups[1].ValueSpan), int.Parse(m.Groups[2].ValueSpan)) : null;

    [GeneratedRegex(@"^v?(\d{1,6})\.(\d{1,6})")]
    private static partial Regex VersionPattern();
}
