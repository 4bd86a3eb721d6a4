using k8s.Models;
using Kagent.Agent.Health;
using Kagent.Agent.Status;
using Kagent.Configuration;
using Kagent.Operator.Entities;

namespace Kagent.Agent.Signals;

/// <summary>
/// The signal conditions (kagent.io/NodesReady, ControlPlaneHealthy, CapacityPressure, ClockSynchronized, AgentHealthy) of one
/// round, merged by type into the Cluster's conditions beside Ready: each debounced by the success and failure
/// thresholds as Ready is, a turned-off one set Unknown (nothing in Karmada ages a stale condition out), and every
/// other writer's condition left as it is.
/// </summary>
public sealed class SignalConditions(SignalOptions options, TimeSpan successThreshold, TimeSpan failureThreshold, TimeProvider time, ClockReader? clock, AgentSelfCheck? self)
{
    public const string ReasonDisabled = "SignalDisabled";
    public const string ReasonAgentStopped = "AgentStopped";

    private readonly Dictionary<string, ReadyDebouncer> _debouncers = [];

    /// <param name="hubVersion">The hub's version as it stamps it on the Cluster (kagent.io/hub-version); null when no hub has.</param>
    public async Task<IList<V1Condition>?> ApplyAsync(IList<V1Condition>? conditions, HealthResult health, ResourceSnapshot? snapshot, string? hubVersion, DateTime now,
        CancellationToken cancellationToken)
    {
        foreach (var name in SignalOptions.Names)
        {
            var type = SignalObservation.TypeOf(name);
            if (!options.IsEnabled(name))
            {
                if (Conditions.Find(conditions, type) is { } stale && stale.Reason != ReasonDisabled)
                    conditions = Set(conditions, new SignalObservation(type, "Unknown", ReasonDisabled, "this signal is turned off by the agent's --signal-conditions; it is not kept current"), now);
                continue;
            }

            var observed = name switch
            {
                SignalOptions.NodesReady => SignalRules.NodesReady(snapshot, options.NodesReadyPercent),
                SignalOptions.ControlPlaneHealthy => SignalRules.ControlPlaneHealthy(health),
                SignalOptions.CapacityPressure => SignalRules.CapacityPressure(snapshot, options.CapacityPercent),
                SignalOptions.ClockSynchronized => clock is null ? null : SignalRules.ClockSynchronized(await clock.ReadAsync(health.Answer, cancellationToken), options.ClockSkewThreshold),
                SignalOptions.AgentHealthy => self is null ? null : SignalRules.AgentHealthy(self.Read(hubVersion), options.AgentStallThreshold),
                _ => null,
            };
            if (observed is null) continue;
            if (!_debouncers.TryGetValue(type, out var debouncer)) _debouncers[type] = debouncer = new ReadyDebouncer(successThreshold, failureThreshold, time);
            var posted = debouncer.Adjust(Conditions.Find(conditions, type), observed.ToCondition());
            conditions = Conditions.Set(conditions, type, posted.Status, posted.Reason, posted.Message, null, now);
        }

        return conditions;
    }

    /// <summary>Every signal condition present set Unknown: the agent stops, and nobody keeps them current meanwhile.</summary>
    public static IList<V1Condition>? Stopped(IList<V1Condition>? conditions, DateTime now)
    {
        foreach (var name in SignalOptions.Names)
        {
            var type = SignalObservation.TypeOf(name);
            if (Conditions.Find(conditions, type) is { Status: not "Unknown" })
                conditions = Set(conditions, new SignalObservation(type, "Unknown", ReasonAgentStopped, "the agent stopped; this signal is not kept current until it runs again"), now);
        }

        return conditions;
    }

    private static IList<V1Condition> Set(IList<V1Condition>? conditions, SignalObservation signal, DateTime now) =>
        Conditions.Set(conditions, signal.Type, signal.Status, signal.Reason, signal.Message, null, now);
}
