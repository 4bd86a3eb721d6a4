using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using k8s.Models;
using Kagent.Api;
using Kagent.Configuration;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Observability;

namespace Kagent.Aggregation.Security;

/// <summary>What a resource request asks to do, in Kubernetes terms (verb, resource, subresource, name).</summary>
public sealed record ResourceRequest(string Verb, string Resource, string? Subresource = null, string? Name = null)
{
    /// <summary>kube-apiserver's words for a denial, so that kubectl users read what they are used to.</summary>
    public string DeniedMessage(string user, string? reason)
    {
        var resource = Subresource is null ? Resource : $"{Resource}/{Subresource}";
        var target = Name is null ? $"{Resource}.{KagentConstants.Group}" : $"{Resource}.{KagentConstants.Group} \"{Name}\"";
        var message = $"{target} is forbidden: User \"{user}\" cannot {Verb} resource \"{resource}\" in API group \"{KagentConstants.Group}\" at the cluster scope";
        return string.IsNullOrEmpty(reason) ? message : $"{message}: {reason}";
    }
}

/// <summary>
/// Authorizes every resource request of the aggregated API with a SubjectAccessReview to the control plane, as
/// kube-apiserver's delegated authorizer does: members of system:masters are allowed without asking, and answers
/// are reused for a short time (allowed and denied alike) so that a busy watcher does not cost a review per request.
/// </summary>
public sealed class RequestAuthorizer(SubjectAccessReviewer reviewer, AggregationOptions options, TimeProvider time, KagentMetrics metrics, ILogger<RequestAuthorizer> logger)
{
    public const string MastersGroup = "system:masters";
    private const int MaxCachedDecisions = 10_000;

    private readonly ConcurrentDictionary<string, (AccessDecision Decision, DateTimeOffset Expires)> _cache = new();
    private readonly Counter<double> _decisions = metrics.Counter("kagent_authorization_decisions_total",
        "Authorization decisions for the aggregated API, by source: cache (a SubjectAccessReview answer less than the cache TTL old), review (a new SubjectAccessReview), masters (system:masters, never reviewed).",
        "source");
    private long _hits;
    private long _misses;

    public long CacheHits => Interlocked.Read(ref _hits);

    public long CacheMisses => Interlocked.Read(ref _misses);

    public async Task<AccessDecision> AuthorizeAsync(RemoteUser user, ResourceRequest request, CancellationToken cancellationToken)
    {
        if (user.Groups.Contains(MastersGroup))
        {
            _decisions.Add(1, KagentMetrics.Tag("source", "masters"));
            return new AccessDecision(true, null);
        }

        var key = CacheKey(user, request);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            Interlocked.Increment(ref _hits);
            _decisions.Add(1, KagentMetrics.Tag("source", "cache"));
            return cached.Decision;
        }

        Interlocked.Increment(ref _misses);
        _decisions.Add(1, KagentMetrics.Tag("source", "review"));
        AccessDecision decision;
        try
        {
            decision = await reviewer.ReviewAsync(user, new V1ResourceAttributes
            {
                Group = KagentConstants.Group,
                Version = KagentConstants.HealthVersion,
                Resource = request.Resource,
                Subresource = request.Subresource,
                Name = request.Name,
                Verb = request.Verb,
            }, nonResource: null, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // No answer is no permission (and is not remembered).
            logger.AccessReviewFailed(e, user.Name, request.Verb, request.Resource);
            return new AccessDecision(false, "the authorizer could not be reached");
        }

        if (_cache.Count >= MaxCachedDecisions) _cache.Clear();
        _cache[key] = (decision, now + options.AuthorizationCacheTtl);
        return decision;
    }

    private static string CacheKey(RemoteUser user, ResourceRequest request) => string.Join('\n',
        user.Name, user.Uid ?? "", string.Join(',', user.Groups.Order(StringComparer.Ordinal)),
        string.Join(';', user.Extra.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + string.Join(',', kv.Value))),
        request.Verb, request.Resource, request.Subresource ?? "", request.Name ?? "");
}
