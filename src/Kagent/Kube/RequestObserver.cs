using System.Diagnostics;
using Kagent.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kagent.Kube;

/// <summary>
/// Sees every request of one API server's client: times it for kagent_api_request_duration_seconds, logs it at
/// --v=4, and remembers when the server last answered (any HTTP status), so that a connectivity check needs no
/// request of its own while the role's requests are answered (<see cref="ClusterConnectivity"/>).
/// </summary>
public sealed class RequestObserver(string cluster) : DelegatingHandler
{
    private long _lastAnswer;
    private long _lastTooManyRequests;

    /// <summary>Set once the host's logging exists (clients are built before it).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Time since the last answer; null before the first.</summary>
    public TimeSpan? SinceLastAnswer => Since(ref _lastAnswer);

    /// <summary>Time since the server last answered 429 Too Many Requests (its priority and fairness); null before the first.</summary>
    public TimeSpan? SinceTooManyRequests => Since(ref _lastTooManyRequests);

    private static TimeSpan? Since(ref long timestamp) => Interlocked.Read(ref timestamp) is var last and not 0 ? Stopwatch.GetElapsedTime(last) : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var code = "error";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Exchange(ref _lastAnswer, Stopwatch.GetTimestamp());
            if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests) Interlocked.Exchange(ref _lastTooManyRequests, Stopwatch.GetTimestamp());
            code = ((int)response.StatusCode).ToString();
            return response;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var verb = KubeVerbs.Of(request.Method.Method, request.RequestUri?.AbsolutePath ?? "", request.RequestUri?.Query);
            ClientInstruments.RequestDuration.Record(elapsed.TotalSeconds, new("cluster", cluster), new("verb", verb), new("code", code));
            Logger.ClientRequest(cluster, verb, request.RequestUri?.AbsolutePath ?? "", code, elapsed);
        }
    }
}
