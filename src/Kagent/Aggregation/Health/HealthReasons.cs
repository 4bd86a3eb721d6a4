namespace Kagent.Aggregation.Health;

/// <summary>Reasons of ClusterHealth.status.reason beyond Karmada's own Ready reasons.</summary>
public static class HealthReasons
{
    public const string HeartbeatStale = "HeartbeatStale";
    public const string HeartbeatMissing = "HeartbeatMissing";
    public const string NoStatus = "NoStatus";
}
