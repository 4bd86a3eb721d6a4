using Kagent.Api.V1Beta1;
using Kagent.Testing;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// A kubeconfig Secret rotated by someone else is picked up without a restart: the agent's control-plane
/// kubeconfig is replaced in place (as kubelet swaps a mounted Secret) by one of another identity, and
/// kube-apiserver's audit log shows the agent's requests move to it while its heartbeat goes on; a file that no
/// longer loads is reported and left unused.
/// </summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private const string Name = "rot1";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string KarmadaUser = OnboardingConstants.AgentUserFor(Name);
    private static readonly string LegacyUser = OnboardingConstants.LegacyAgentUserPrefix + Name;
    private readonly OnboardingFixture _fleet = new("rotation", [Name], [KarmadaUser, LegacyUser]);
    private ServerProcess? _agent;

    public Task InitializeAsync() => _fleet.InitializeAsync();

    public Task DisposeAsync()
    {
        _agent?.Dispose();
        return _fleet.DisposeAsync();
    }

    [Fact]
    public async Task A_rotated_kubeconfig_is_used_without_a_restart_and_a_broken_one_is_left_unused()
    {
        var member = _fleet.Fleet.Member(Name);
        var agent = _agent = _fleet.StartAgent(Name, Name, "--cluster-api-endpoint", member.Server.Url, "--cluster-lease-duration", "10s",
            "--cluster-lease-renew-interval-fraction", "0.2");
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhasePending, Timeout);
        await _fleet.Registrations.MergePatchAsync(Name, new { spec = new { accepted = true } });
        await _fleet.WaitForPhaseAsync(Name, OnboardingConstants.PhaseRegistered, Timeout);
        await _fleet.WaitForAgentRegisteredAsync(agent, Timeout);
        var remaining = await Eventually.MatchAsync(() => _fleet.AgentMetricAsync(agent, "kagent_client_certificate_expiration_seconds", ("cluster", "karmada")),
            v => v is > 0, Timeout, "the client certificate's remaining lifetime on /metrics");
        Assert.InRange(remaining!.Value, TimeSpan.FromDays(300).TotalSeconds, TimeSpan.FromDays(3660).TotalSeconds);
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Any(r => r.User == KarmadaUser && r.Verb == "update" && r.Resource == "leases")),
            Timeout, "heartbeats of the first identity");

        // Replaced in place, as kubelet updates a mounted Secret: a new file renamed over the old one.
        var path = Path.Combine(_fleet.Fleet.Root, $"agent-{Name}-karmada.kubeconfig");
        Replace(path, _fleet.ControlPlane.Server.KubeconfigFor(LegacyUser, OnboardingConstants.LegacyAgentGroup));
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Count(r => r.User == LegacyUser && r.Verb == "update" && r.Resource == "leases") >= 10),
            Timeout, () => "heartbeats and leader-election renewals of the rotated identity\n" + agent.LogTail());

        // New requests moved at once: after the first few of the new identity, the old one makes none but the
        // watches it had open (audited when they end, at the latest when the old connections close).
        var audited = Requests();
        var fifth = audited.Select((r, i) => (r, i)).Where(x => x.r.User == LegacyUser).Skip(4).First().i;
        Assert.DoesNotContain(audited.Skip(fifth), r => r.User == KarmadaUser && r.Verb != "watch");

        // A file that no longer loads: reported, and the agent goes on with what it has.
        Replace(path, "this is not a kubeconfig");
        var before = Requests().Count(r => r.User == LegacyUser && r.Verb == "update");
        await Eventually.TrueAsync(() => Task.FromResult(Requests().Count(r => r.User == LegacyUser && r.Verb == "update") >= before + 10),
            Timeout, () => "renewals going on after a broken kubeconfig\n" + agent.LogTail());
        Assert.False(agent.HasExited);
    }

    private List<AuditedRequest> Requests() => AuditLog.Read(_fleet.ControlPlane.Server.AuditLogPath).ToList();

    private static void Replace(string path, string content)
    {
        var next = path + ".next";
        File.WriteAllText(next, content);
        File.Move(next, path, overwrite: true);
    }
}
