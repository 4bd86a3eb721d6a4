using System.Text.Json;
using System.Text.Json.Serialization;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;

namespace Kagent.Agent.Status;

public enum EnablementsCompleteness
{
    Complete,
    Partial,
    Empty,
}

public sealed record EnablementsResult(IReadOnlyList<ApiEnablement> Enablements, EnablementsCompleteness Completeness, int FailedGroupVersions);

/// <summary>
/// The member's API enablements as Karmada reports them: every group version with its resources (sub-resources
/// dropped), both sorted. Resource lists are fetched again only when the set of group versions changes, or every
/// few minutes; a failure keeps the last good result instead of wiping it (the scheduler drops clusters without
/// enablements).
/// </summary>
public sealed class ApiEnablements(KubeClient member, TimeProvider time)
{
    private static readonly TimeSpan FullRefresh = TimeSpan.FromMinutes(5);
    private EnablementsResult? _last;
    private string? _lastGroupVersions;
    private DateTimeOffset _lastFull;

    public EnablementsResult? Last => _last;

    /// <summary>The current enablements; on failure the last good ones (null before any success).</summary>
    public async Task<EnablementsResult?> CollectAsync(CancellationToken cancellationToken)
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

        var enablements = new List<ApiEnablement>();
        var failed = 0;
        foreach (var groupVersion in groupVersions)
        {
            try
            {
                var path = groupVersion.Contains('/') ? $"apis/{groupVersion}" : $"api/{groupVersion}";
                var list = await GetAsync<ResourceList>(path, cancellationToken);
                var resources = (list.Resources ?? [])
                    .Where(r => !string.IsNullOrEmpty(r.Name) && !r.Name.Contains('/'))
                    .Select(r => new ApiResource { Name = r.Name!, Kind = r.Kind ?? "" })
                    .OrderBy(r => r.Name, StringComparer.Ordinal)
                    .ToList();
                enablements.Add(new ApiEnablement { GroupVersion = groupVersion, Resources = resources });
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failed++;
            }
        }

        var completeness = enablements.Count == 0 ? EnablementsCompleteness.Empty : failed > 0 ? EnablementsCompleteness.Partial : EnablementsCompleteness.Complete;
        if (completeness == EnablementsCompleteness.Empty && _last is not null) return _last;
        _last = new EnablementsResult(enablements, completeness, failed);
        _lastGroupVersions = key;
        _lastFull = time.GetUtcNow();
        return _last;
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
