using System.Threading.RateLimiting;

namespace Kagent.Kube;

/// <summary>client-go's token bucket: a sustained rate (qps) and a burst; callers wait for a token.</summary>
public static class TokenBuckets
{
    public static TokenBucketRateLimiter Create(double qps, int burst, int queueLimit = int.MaxValue)
    {
        var tokensPerPeriod = Math.Max(1, (int)Math.Ceiling(qps));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, burst),
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / qps),
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}

/// <summary>Client-side QPS and burst, as client-go's token bucket: requests wait for a token instead of failing.</summary>
public sealed class RateLimitingHandler(float qps, int burst) : DelegatingHandler
{
    private readonly TokenBucketRateLimiter _limiter = TokenBuckets.Create(qps, burst);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _limiter.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// A timeout for every request but watches (which the server ends itself), so that a hung API server
/// stalls no loop. The client's own HttpClient timeout is infinite for that reason.
/// </summary>
public sealed class RequestTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsWatch(request.RequestUri)) return await base.SendAsync(request, cancellationToken);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} timed out after {timeout.TotalSeconds:0.#}s");
        }
    }

    public static bool IsWatch(Uri? uri) => KubeVerbs.IsWatch(uri?.Query);
}
