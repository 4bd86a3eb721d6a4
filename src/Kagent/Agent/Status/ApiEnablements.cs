using System.Text.Json;
using System.Text.Json.Serialization;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

/// <param name="FailedGroupVersions">group versions whose resource list could not be read this time (those with an
/// earlier answer keep it, and are read again on the next refresh)</param>
public sealed record EnablementsResult(IReadOnlyList<ApiEnablement> Enablements, EnablementsCompleteness Completeness, int FailedGroupVersions);

/// <summary>
/// The member's API enablements as Karmada reports them: every group version with its resources (sub-resources
/// dropped), both sorted. Resource lists are fetched again only when the set of group versions changes, after a
/// failure, or every few minutes. A failure never wipes what was known (the scheduler drops clusters without
/// enablements): a group version that fails keeps its last good resources, and a failed discovery keeps the
/// whole last result. Once there is a result, a slow refresh runs on in the background instead of holding the
/// status back.
/// </summary>
public sealed class ApiEnablements(KubeClient member, TimeProvider time)
{
    private static readonly TimeSpan FullRefresh = TimeSpan.FromMinutes(5);
    private const int ConcurrentReads = 8;
    private EnablementsResult? _last;
    private string? _lastGroupVersions;
    private DateTimeOffset _lastFull;
    private Task<EnablementsResult?>? _refresh;

    public EnablementsResult? Last => _last;

    /// <summary>
    /// The current enablements: the first call waits for them; later calls start a refresh and return its result
    /// if it is done, the last result while it is still running. Null before any success.
    /// </summary>
    public async Task<EnablementsResult?> CollectAsync(CancellationToken cancellationToken)
    {
        _refresh ??= RefreshAsync(cancellationToken);
        if (_last is not null && !_refresh.IsCompleted) return _last;
        var refreshed = _refresh;
        _refresh = null;
        return await refreshed;
    }

    private async Task<EnablementsResult?> RefreshAsync(CancellationToken cancellationToken)
    {
        List<string> groupVersions;
        try
        {
            groupVersions = await GroupVersionsAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return _last;
        }

        var key = string.Join(',', groupVersions);
        if (_last is not null && key == _lastGroupVersions && time.GetUtcNow() - _lastFull < FullRefresh && _last.FailedGroupVersions == 0) return _last;

        var previous = (_last?.Enablements ?? []).ToDictionary(e => e.GroupVersion);
        using var slots = new SemaphoreSlim(ConcurrentReads);
        var reads = groupVersions.Select(async groupVersion =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                return (groupVersion, Resources: await ResourcesAsync(groupVersion, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (groupVersion, Resources: (List<ApiResource>?)null);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        var results = await Task.WhenAll(reads);

        var enablements = new List<ApiEnablement>();
        var failed = 0;
        var missing = 0;
        foreach (var (groupVersion, resources) in results)
        {
            if (resources is null) failed++;
            if (resources is not null) enablements.Add(new ApiEnablement { GroupVersion = groupVersion, Resources = resources });
            else if (previous.TryGetValue(groupVersion, out var known)) enablements.Add(known);
            else missing++;
        }

        var completeness = enablements.Count == 0 ? EnablementsCompleteness.Empty : missing > 0 ? EnablementsCompleteness.Partial : EnablementsCompleteness.Complete;
        if (completeness == EnablementsCompleteness.Empty && _last is not null) return _last;
        _last = new EnablementsResult(enablements, completeness, failed);
        _lastGroupVersions = key;
        _lastFull = time.GetUtcNow();
        return _last;
    }

    private async Task<List<ApiResource>> ResourcesAsync(string groupVersion, CancellationToken cancellationToken)
    {
        var path = groupVersion.Contains('/') ? $"apis/{groupVersion}" : $"api/{groupVersion}";
        var list = await GetAsync<ResourceList>(path, cancellationToken);
        return (list.Resources ?? [])
            .Where(r => !string.IsNullOrEmpty(r.Name) && !r.Name.Contains('/'))
            .Select(r => new ApiResource { Name = r.Name!, Kind = r.Kind ?? "" })
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<List<string>> GroupVersionsAsync(CancellationToken cancellationToken)
    {
        var core = await GetAsync<CoreVersions>("api", cancellationToken);
        var groups = await GetAsync<GroupList>("apis", cancellationToken);
        return (core.Versions ?? [])
            .Concat((groups.Groups ?? []).SelectMany(g => g.Versions ?? []).Select(v => v.GroupVersion ?? ""))
            .Where(gv => gv.Length > 0)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await member.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken) ?? throw new JsonException($"empty answer from /{path}");
    }

    private sealed class CoreVersions
    {
        [JsonPropertyName("versions")] public List<string>? Versions { get; set; }
    }

    private sealed class GroupList
    {
        [JsonPropertyName("groups")] public List<Group>? Groups { get; set; }
    }

    private sealed class Group
    {
        [JsonPropertyName("versions")] public List<GroupVersionEntry>? Versions { get; set; }
    }

    private sealed class GroupVersionEntry
    {
        [JsonPropertyName("groupVersion")] public string? GroupVersion { get; set; }
    }

    private sealed class ResourceList
    {
        [JsonPropertyName("resources")] public List<ResourceEntry>? Resources { get; set; }
    }

    private sealed class ResourceEntry
    {
        [JsonPropertyName("name")] public string? Name { get; set; }
        [JsonPropertyName("kind")] public string? Kind { get; set; }
    }
}
