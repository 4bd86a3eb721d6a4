using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kagent.Kube;

/// <summary>Ready when every API server answered its last check.</summary>
public sealed class ClusterConnectivityHealthCheck(ClusterConnectivity connectivity, IEnumerable<ClusterConnection> connections) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = connections
            .Select(c => connectivity.States.TryGetValue(c.Name, out var state)
                ? state.Reachable ? null : $"{c.Name} unreachable: {state.Error}"
                : $"{c.Name} not checked yet")
            .OfType<string>()
            .ToList();
        return Task.FromResult(problems.Count == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
