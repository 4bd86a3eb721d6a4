using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using k8s.Autorest;
using k8s.Models;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Works;

/// <summary>A kind the member serves: where its objects live and whether they are namespaced.</summary>
public sealed record MemberResource(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    public ResourcePath Collection(string? ns = null) => new(Group, Version, Plural, Namespaced ? ns : null);

    public string ObjectPath(string? ns, string name) => $"{Collection(ns).Collection}/{Uri.EscapeDataString(name)}";

    public string ApiVersion => string.IsNullOrEmpty(Group) ? Version : $"{Group}/{Version}";
}

/// <summary>
/// Maps apiVersion and kind to the member's resource (the RESTMapper of karmada-agent), from the member's own
/// discovery, one group version at a time, cached. A kind the member does not serve is looked up again at most every
/// 10 s, so that a CRD installed later is found.
/// </summary>
public sealed class MemberResources([FromKeyedServices(ClusterNames.Member)] KubeClient member, TimeProvider time)
{
    private static readonly TimeSpan MissRetry = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (IReadOnlyList<MemberResource> Resources, DateTimeOffset ReadAt)> _groupVersions = new();

    /// <summary>The resource of a kind, or null when the member does not serve it.</summary>
    public async Task<MemberResource?> FindAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        if (_groupVersions.TryGetValue(apiVersion, out var known) && Find(known.Resources, kind) is { } found) return found;
        if (known.Resources is not null && time.GetUtcNow() - known.ReadAt < MissRetry) return null;

        var resources = await DiscoverAsync(apiVersion, cancellationToken);
        _groupVersions[apiVersion] = (resources, time.GetUtcNow());
        return Find(resources, kind);
    }

    private static MemberResource? Find(IReadOnlyList<MemberResource> resources, string kind) => resources.FirstOrDefault(r => r.Kind == kind);

    private async Task<IReadOnlyList<MemberResource>> DiscoverAsync(string apiVersion, CancellationToken cancellationToken)
    {
        var slash = apiVersion.IndexOf('/');
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        var path = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
        try
        {
            using var response = await member.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken);
            var list = await JsonSerializer.DeserializeAsync<V1APIResourceList>(await response.Content.ReadAsStreamAsync(cancellationToken), KubeJson.Options, cancellationToken);
            return (list?.Resources ?? [])
                .Where(r => !r.Name.Contains('/'))
                .Select(r => new MemberResource(group, version, r.Kind, r.Name, r.Namespaced))
                .ToList();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }
    }
}
