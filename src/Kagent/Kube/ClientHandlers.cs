using System.Diagnostics;
using Kagent.Operator.RateLimiting;

namespace Kagent.Kube;

/// <summary>
/// Client-side QPS and burst, as client-go's token bucket: requests wait for a token instead of failing. Waits are
/// measured (kagent_api_rate_limiter_duration_seconds), and the last wait of a second or more, the one client-go
/// warns about, is remembered for the agent's health signal.
/// </summary>
public sealed class RateLimitingHandler(string cluster, float qps, int burst) : DelegatingHandler
{
    /// <summary>The wait client-go logs as "due to client-side throttling".</summary>
    public static readonly TimeSpan LongWait = TimeSpan.FromSeconds(1);

    private readonly TokenBucket _bucket = new(qps, burst);
    private readonly KeyValuePair<string, object?> _tag = new("cluster", cluster);
    private long _lastLongWait;

    /// <summary>Time since a request last waited <see cref="LongWait"/> or more for a token; null if none has.</summary>
    public TimeSpan? SinceLongWait => Interlocked.Read(ref _lastLongWait) is var last and not 0 ? Stopwatch.GetElapsedTime(last) : null;

    public float Qps => qps;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var wait = _bucket.Reserve();
        ClientInstruments.RateLimiterDuration.Record(wait.TotalSeconds, _tag);
        if (wait > TimeSpan.Zero)
        {
            if (wait >= LongWait) Interlocked.Exchange(ref _lastLongWait, Stopwatch.GetTimestamp());
            await Task.Delay(wait, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
