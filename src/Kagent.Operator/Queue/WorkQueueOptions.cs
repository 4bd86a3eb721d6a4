
namespace Kagent.Operator.Queue;

public sealed record WorkQueueOptions
{
    /// <summary>First retry delay after a failure; doubles per consecutive failure of the same key.</summary>
    public TimeSpan BaseRetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(16);

    /// <summary>
    /// An overall bucket for retries of all keys together (client-go's BucketRateLimiter): a retry waits for the
    /// longer of its own backoff and a token. Null: no overall limit.
    /// </summary>
    public double? RetryQps { get; init; }

    public int RetryBurst { get; init; } = 100;

    /// <summary>The name its workqueue_* metrics carry; null: no metrics.</summary>
    public string? Name { get; init; }
}
