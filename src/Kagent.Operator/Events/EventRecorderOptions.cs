namespace Kagent.Operator.Events;

public sealed record EventRecorderOptions
{
    /// <summary>source.component of every Event.</summary>
    public required string Component { get; init; }

    public string? Host { get; init; } = Environment.MachineName;

    /// <summary>Events one object may burst before the rate applies (client-go's spam filter: 25).</summary>
    public int BurstPerObject { get; init; } = 25;

    /// <summary>After the burst, one event per object per this period (client-go: 5 minutes).</summary>
    public TimeSpan RefillPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many distinct events (for aggregation) and objects (for rate limits) are remembered; past it, each is forgotten and starts afresh.</summary>
    public int AggregationCacheSize { get; init; } = 4096;

    /// <summary>Events waiting to be written; past it, new ones are dropped (client-go's broadcaster: 1000).</summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>How long disposal waits for queued events to be written before it gives them up.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
