using System.Diagnostics;
using System.Diagnostics.Metrics;
using Kagent.Api;
using Kagent.Kube;
using Kagent.Observability;
using static Kagent.Observability.KagentMetrics;

namespace Kagent.Hosting;

/// <summary>
/// kagent_hub_requests_total and kagent_hub_request_duration_seconds for the TLS endpoint (aggregated API, admission
/// webhooks, health), by Kubernetes verb, resource and code; refusals (401, 403) are counted too. Watches are
/// counted but not timed: they last as long as the client wants. Each answer is logged at --v=4.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>1 ms to about 8 s.</summary>
    private static readonly double[] Buckets = [.. Enumerable.Range(0, 14).Select(i => 0.001 * Math.Pow(2, i))];

    private readonly Counter<double> _requests;
    private readonly Histogram<double> _duration;

    private readonly ILogger _logger;

    public ServingMetrics(KagentMetrics metrics, ILogger<ServingMetrics> logger)
    {
        _logger = logger;
        _requests = metrics.Counter("kagent_hub_requests_total", "Requests to the hub's TLS endpoint, by verb, resource and HTTP code.", "verb", "resource", "code");
        _duration = metrics.Histogram("kagent_hub_request_duration_seconds", "Latency of the hub's answers (watches excluded), by verb and resource.",
            Buckets, "verb", "resource");
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            var verb = KubeVerbs.Of(request.Method, request.Path.Value ?? "", request.QueryString.Value);
            var resource = ResourceOf(request.Path);
            _requests.Add(1, Tag("verb", verb), Tag("resource", resource), Tag("code", context.Response.StatusCode.ToString()));
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (verb != "watch") _duration.Record(elapsed.TotalSeconds, Tag("verb", verb), Tag("resource", resource));
            _logger.ServedRequest(request.Method, request.Path.Value ?? "", context.Response.StatusCode, elapsed);
        }
    }

    /// <summary>A small, fixed set of names, so that no request can grow the metric's label values.</summary>
    public static string ResourceOf(PathString path)
    {
        var segments = (path.Value ?? "").Trim('/').Split('/');
        return segments switch
        {
            ["apis", KagentConstants.Group, KagentConstants.HealthVersion, "clusterhealths", _, "probe"] => "clusterhealths/probe",
            ["apis", KagentConstants.Group, KagentConstants.HealthVersion, "clusterhealths", _, "history"] => "clusterhealths/history",
            ["apis", KagentConstants.Group, KagentConstants.HealthVersion, "clusterhealths", ..] => "clusterhealths",
            ["apis", ..] or ["api", ..] => "discovery",
            ["openapi", ..] => "openapi",
            ["healthz"] or ["livez"] or ["readyz"] => "health",
            ["validate", _] => "admissionreviews",
            _ => "other",
        };
    }
}
