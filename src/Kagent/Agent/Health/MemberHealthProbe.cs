using System.Net;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Health;

/// <summary>What one probe found: Karmada's outcome, and what the control-plane signal and the clock signal read.</summary>
public sealed record HealthResult(HealthOutcome Outcome, string Detail)
{
    /// <summary>The failing checks of the verbose answers read, as "/readyz etcd" (empty when all passed).</summary>
    public IReadOnlyList<string> FailingChecks { get; init; } = [];

    /// <summary>Whether /livez was read this round (only when the control-plane signal asks for it, and /readyz failed).</summary>
    public bool LiveChecked { get; init; }

    /// <summary>An answer of the member's API server, whose Date header tells its clock.</summary>
    public HealthAnswer? Answer { get; init; }
}

/// <summary>
/// Probes the member's API server: /readyz (or /healthz where /readyz is 404; read again verbosely when not ok, to
/// name the failing checks), and /livez when asked (the control-plane signal) and /readyz failed, each with its own timeout,
/// so a hung endpoint costs a few seconds, never a stalled agent. An API server whose only failing ready check is
/// "shutdown" is leaving gracefully (one replica of several): that is not a failed cluster. What it read goes to
/// <see cref="ProbeReport"/>.
/// </summary>
public sealed class MemberHealthProbe(KubeClient member, TimeSpan timeout, AgentMetrics? metrics = null, ProbeReport? report = null, TimeProvider? time = null,
    bool checkLive = false)
{
    private readonly List<Api.V1Alpha1.ProbedEndpoint> _read = [];

    public async Task<HealthResult> ProbeAsync(CancellationToken cancellationToken)
    {
        _read.Clear();
        var probeTime = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        var result = await ProbeOnceAsync(cancellationToken);
        // kube-apiserver's /livez checks are a subset of its /readyz checks: a passing /readyz answers for both, so
        // /livez is read only when /readyz fails, to tell a server that is alive but not ready from one that is not.
        if (checkLive && result.Outcome == HealthOutcome.NotOk)
        {
            var live = await VerboseWhenFailingAsync("/livez", await GetAsync("/livez", cancellationToken), cancellationToken);
            result = result with { LiveChecked = true, FailingChecks = [.. result.FailingChecks, .. Failing("/livez", live)] };
        }

        report?.Record(probeTime, [.. _read]);
        return result;
    }

    private async Task<HealthResult> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        // The short answer while healthy (as Karmada asks); the verbose one, which names the failing checks, only when not.
        var path = "/readyz";
        var ready = await GetAsync(path, cancellationToken);
        if (ready.Status == HttpStatusCode.NotFound) ready = await GetAsync(path = "/healthz", cancellationToken);
        if (ready.Error is not null) return new HealthResult(HealthOutcome.Unreachable, ready.Error);
        if (ready.Status == HttpStatusCode.OK) return new HealthResult(HealthOutcome.Ok, "ok") { Answer = ready };
        ready = await VerboseWhenFailingAsync(path, ready, cancellationToken);

        var failing = FailingChecks(ready.Body);
        if (failing.SequenceEqual(["shutdown"]))
        {
            var live = await GetAsync("/livez", cancellationToken);
            if (live.Status == HttpStatusCode.OK) return new HealthResult(HealthOutcome.Ok, "the API server is shutting down gracefully; it is live") { Answer = ready };
        }

        var detail = failing.Count > 0 ? $"failing checks: {string.Join(", ", failing)}" : $"HTTP {(int?)ready.Status}";
        return new HealthResult(HealthOutcome.NotOk, detail) { Answer = ready, FailingChecks = Failing(path, ready) };
    }

    /// <summary>The verbose answer of a failing endpoint (it names the failing checks); the answer itself when it passed.</summary>
    private async Task<HealthAnswer> VerboseWhenFailingAsync(string path, HealthAnswer answer, CancellationToken cancellationToken) =>
        answer is { Error: null, Status: not HttpStatusCode.OK } && await GetAsync(path + "?verbose", cancellationToken) is { Error: null, Status: not HttpStatusCode.OK } verbose
            ? verbose
            : answer;

    private async Task<HealthAnswer> GetAsync(string path, CancellationToken cancellationToken)
    {
        var answer = await HealthEndpoint.GetAsync(member, path, timeout, cancellationToken, time);
        var endpoint = path.Split('?')[0];
        metrics?.Probed(endpoint, answer);
        _read.RemoveAll(e => e.Path == endpoint); // the verbose answer replaces the short one
        _read.Add(HealthEndpoint.Report(endpoint, answer));
        return answer;
    }

    /// <summary>"/readyz etcd" for each failing check of a failed answer; the endpoint alone when it names none (or timed out).</summary>
    private static List<string> Failing(string path, HealthAnswer answer)
    {
        if (answer.Status == HttpStatusCode.OK) return [];
        var checks = FailingChecks(answer.Body);
        return checks.Count > 0 ? [.. checks.Select(c => $"{path} {c}")] : [$"{path} {answer.Error ?? $"HTTP {(int?)answer.Status}"}"];
    }

    /// <summary>The names of "[-]name failed: ..." lines of a verbose health answer.</summary>
    private static List<string> FailingChecks(string body) =>
        HealthEndpoint.Checks(body).Where(c => !c.Ok).Select(c => c.Name).ToList();
}
