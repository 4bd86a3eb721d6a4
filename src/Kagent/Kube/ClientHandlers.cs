using Kagent.Operator.RateLimiting;

namespace Kagent.Kube;

/// <summary>Client-side QPS and burst, as client-go's token bucket: requests wait for a token instead of failing.</summary>
public sealed class RateLimitingHandler(float qps, int burst) : DelegatingHandler
{
    private readonly TokenBucket _bucket = new(qps, burst);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await _bucket.WaitAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
