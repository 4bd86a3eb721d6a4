using System.Diagnostics;
using Kagent.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kagent.Kube;

/// <summary>
/// Sees every request of one API server's client: times it for kagent_api_request_duration_seconds, logs it at
/// --v=4, remembers when the server last answered (any HTTP status), so that a connectivity check needs no
/// request of its own while the role's requests are answered (<see cref="ClusterConnectivity"/>), and reads the
/// server's clock from the Date header of quick answers (the heartbeat's and leader election's renewals among them),
/// so that the clock check needs no request of its own either.
/// </summary>
public sealed class RequestObserver(string cluster, TimeProvider? time = null) : DelegatingHandler
{
    /// <summary>Answers slower than this place the server's clock too loosely to be read.</summary>
    private static readonly TimeSpan PreciseEnough = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastAnswer;
    private long _lastTooManyRequests;
    private ClockSample? _clock;

    /// <summary>Set once the host's logging exists (clients are built before it).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Time since the last answer; null before the first.</summary>
    public TimeSpan? SinceLastAnswer => Since(ref _lastAnswer);

    /// <summary>Time since the server last answered 429 Too Many Requests (its priority and fairness); null before the first.</summary>
    public TimeSpan? SinceTooManyRequests => Since(ref _lastTooManyRequests);

    /// <summary>This process's clock minus the server's, from an answer at most <paramref name="maxAge"/> old; null without one.</summary>
    public TimeSpan? ClockOffset(TimeSpan maxAge) =>
        Volatile.Read(ref _clock) is { } sample && Stopwatch.GetElapsedTime(sample.At) <= maxAge ? sample.Offset : null;

    private static TimeSpan? Since(ref long timestamp) => Interlocked.Read(ref timestamp) is var last and not 0 ? Stopwatch.GetElapsedTime(last) : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var code = "error";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Exchange(ref _lastAnswer, Stopwatch.GetTimestamp());
            var took = Stopwatch.GetElapsedTime(started);
            if (response.Headers.Date is { } date && took <= PreciseEnough)
                Volatile.Write(ref _clock, new ClockSample(ServerClock.Offset(_time.GetUtcNow() - took / 2, date), Stopwatch.GetTimestamp()));
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

    private sealed record ClockSample(TimeSpan Offset, long At);
}
