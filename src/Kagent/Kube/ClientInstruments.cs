using System.Diagnostics.Metrics;

namespace Kagent.Kube;

/// <summary>API client request latency, by API server, Kubernetes verb and HTTP code (exported by the MeterBridge).</summary>
public static class ClientInstruments
{
    public const string MeterName = "Kagent.Kube";

    /// <summary>Tag names by instrument, initialized before the instruments (see OperatorInstruments.TagNames).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> TagNames = new Dictionary<string, string[]>
    {
        ["kagent_api_request_duration_seconds"] = ["cluster", "verb", "code"],
        ["kagent_api_rate_limiter_duration_seconds"] = ["cluster"],
    };

    private static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("kagent_api_request_duration_seconds",
        unit: "s", description: "API client request latency until the response headers, by cluster (karmada or member), verb and code.");

    /// <summary>client-go's rest_client_rate_limiter_duration_seconds: how long requests waited for the client-side rate limit.</summary>
    public static readonly Histogram<double> RateLimiterDuration = Meter.CreateHistogram<double>("kagent_api_rate_limiter_duration_seconds",
        unit: "s", description: "How long API client requests waited for the client-side rate limit (--kube-api-qps, --cluster-api-qps), by cluster.");
}
