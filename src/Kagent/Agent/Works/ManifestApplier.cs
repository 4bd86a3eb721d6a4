using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s.Autorest;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Agent.Works;

/// <summary>One manifest's result: the member object as it now is (null when absent or failed), or why it failed.</summary>
public sealed record ManifestResult(int Ordinal, ManifestTarget? Target, JsonObject? Live, ApplyOutcome Outcome, string? Error = null);

/// <summary>
/// Creates, updates and removes the member object of one manifest (pkg/controllers/execution and
/// pkg/util/objectwatcher): a missing object is created as the manifest says; an existing one is updated only if
/// Karmada manages it (its karmada.io/managed label, or annotations naming this Work) or the manifest asks to take it
/// over (work.karmada.io/conflict-resolution: overwrite), keeping what retention keeps (<see cref="Customizations.ResourceInterpreter"/>), and only when
/// the member's object differs from what would be written. The API server's refusal is the error.
/// </summary>
public sealed class ManifestApplier(
    [FromKeyedServices(ClusterNames.Member)] KubeClient member,
    MemberResources resources,
    MemberObjectWatches watches,
    Customizations.ResourceInterpreter interpreter,
    AgentOptions options)
{
    /// <summary>What this process last wrote or found up to date: (a hash of the manifest, the member's generation or resourceVersion).</summary>
    private readonly ConcurrentDictionary<string, (string Desired, string Version)> _applied = new();

    public async Task<ManifestResult> ApplyAsync(Work work, int ordinal, JsonObject manifest, bool dispatch, CancellationToken cancellationToken)
    {
        if (ManifestTarget.Parse(manifest) is not { } target) return Failed(ordinal, null, $"manifest {ordinal} has no apiVersion, kind or metadata.name");
        try
        {
            var resource = await resources.FindAsync(target.ApiVersion, target.Kind, cancellationToken);
            if (resource is null) return Failed(ordinal, target, $"the member cluster does not serve {target.ApiVersion} {target.Kind} ({target})");
            if (resource.Namespaced && string.IsNullOrEmpty(target.Namespace)) return Failed(ordinal, target, $"{target}: metadata.namespace is empty but {target.Kind} is namespaced");
            if (!resource.Namespaced && !string.IsNullOrEmpty(target.Namespace)) return Failed(ordinal, target, $"{target}: metadata.namespace is {target.Namespace} but {target.Kind} is cluster-scoped");

            var live = await LiveAsync(resource, target, cancellationToken);
            if (!dispatch) return new ManifestResult(ordinal, target, live, ApplyOutcome.Unchanged);
            if (live is null)
            {
                var created = await CreateAsync(resource, target, manifest, cancellationToken);
                if (created is not null)
                {
                    Record(target, manifest, created);
                    return new ManifestResult(ordinal, target, created, ApplyOutcome.Created);
                }

                live = await GetAsync(resource, target, cancellationToken);
                if (live is null) return Failed(ordinal, target, $"{target} was deleted while being created");
            }

            if (!Owned(live, work) && !AskedToOverwrite(manifest))
            {
                return Failed(ordinal, target, $"resource(kind={target.Kind}, {target.Namespace}/{target.Name}) already exists in the cluster {options.ClusterName} and the " +
                                               $"{WorkConstants.ConflictResolutionAnnotation} strategy value is empty, Karmada will not manage this resource");
            }

            var desired = interpreter.Retain(manifest, live);
            if (UpToDate(target, manifest, desired, live))
            {
                Record(target, manifest, live);
                return new ManifestResult(ordinal, target, live, ApplyOutcome.Unchanged);
            }

            using var response = await member.SendAsync(HttpMethod.Put, resource.ObjectPath(target.Namespace, target.Name), desired, cancellationToken);
            var updated = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            Record(target, manifest, updated);
            return new ManifestResult(ordinal, target, updated, ApplyOutcome.Updated);
        }
        catch (HttpOperationException e)
        {
            return Failed(ordinal, target, ApiMessage(e));
        }
        catch (Customizations.LuaScriptException e)
        {
            return Failed(ordinal, target, $"{target}: {e.Message}");
        }
    }

    /// <summary>
    /// Removes what the manifest applied, or with <paramref name="preserve"/> keeps it without Karmada's marks; an
    /// object already gone, or one Karmada does not manage, is left as it is. Null when done, else why not.
    /// </summary>
    public async Task<string?> RemoveAsync(Work work, JsonObject manifest, bool preserve, CancellationToken cancellationToken)
    {
        if (ManifestTarget.Parse(manifest) is not { } target) return null;
        try
        {
            var resource = await resources.FindAsync(target.ApiVersion, target.Kind, cancellationToken);
            if (resource is null) return null;
            var live = await GetAsync(resource, target, cancellationToken);
            _applied.TryRemove(target.ToString(), out _);
            if (live is null || !Owned(live, work)) return null;

            var path = resource.ObjectPath(target.Namespace, target.Name);
            if (!preserve)
            {
                await KubeCalls.IgnoreMissingAsync(() => member.SendAsync(HttpMethod.Delete, path, new { propagationPolicy = "Background" }, cancellationToken));
                return null;
            }

            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = live.String("metadata.resourceVersion"),
                    ["labels"] = Removals(live.StringMap("metadata.labels"), WorkConstants.ManagedResourceLabels),
                    ["annotations"] = Removals(live.StringMap("metadata.annotations"), WorkConstants.ManagedResourceAnnotations),
                },
            };
            await KubeCalls.IgnoreMissingAsync(() => member.SendAsync(HttpMethod.Patch, path, new k8s.Models.V1Patch(patch, k8s.Models.V1Patch.PatchType.MergePatch), cancellationToken));
            return null;
        }
        catch (HttpOperationException e)
        {
            return $"{target}: {ApiMessage(e)}";
        }
    }

    /// <summary>Karmada manages the object, or it was applied for this very Work (someone removed the label: drift to put back).</summary>
    private static bool Owned(JsonObject live, Work work) =>
        live.Label(WorkConstants.ManagedLabel) == WorkConstants.ManagedLabelValue
        || (live.Annotation(WorkConstants.WorkNameAnnotation) == work.Metadata.Name
            && live.Annotation(WorkConstants.WorkNamespaceAnnotation) == work.Metadata.NamespaceProperty);

    private static bool AskedToOverwrite(JsonObject manifest) =>
        manifest.Annotation(WorkConstants.ConflictResolutionAnnotation) == WorkConstants.ConflictOverwrite;

    /// <summary>
    /// No write is needed when every field to be written already has that value; or when this process found the
    /// object up to date for the same manifest and neither its generation (or, for kinds without one, its
    /// resourceVersion) nor its labels and annotations have moved since.
    /// </summary>
    private bool UpToDate(ManifestTarget target, JsonObject manifest, JsonObject desired, JsonObject live)
    {
        var comparable = desired.DeepClone().AsObject();
        (comparable["metadata"] as JsonObject)?.Remove("resourceVersion");
        if (JsonPaths.IsSubsetOf(comparable, live)) return true;
        return _applied.TryGetValue(target.ToString(), out var applied)
               && applied.Desired == Fingerprint(manifest)
               && applied.Version == VersionOf(live)
               && JsonPaths.IsSubsetOf(comparable["metadata"], live["metadata"]);
    }

    private void Record(ManifestTarget target, JsonObject manifest, JsonObject live) => _applied[target.ToString()] = (Fingerprint(manifest), VersionOf(live));

    private static string Fingerprint(JsonObject manifest) => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString())));

    private static string VersionOf(JsonObject live) =>
        live.Long("metadata.generation") is { } generation and not 0 ? $"gen:{generation}" : $"rv:{live.String("metadata.resourceVersion")}";

    /// <summary>The member object from the label-scoped watch when it has synced, else from the API server.</summary>
    private async Task<JsonObject?> LiveAsync(MemberResource resource, ManifestTarget target, CancellationToken cancellationToken)
    {
        var watcher = watches.Ensure(resource);
        var synced = await watches.WaitSyncedAsync(watcher, cancellationToken);
        if (!synced) return await GetAsync(resource, target, cancellationToken);

        // Not in the watch: absent, or there without Karmada's label (created by someone else, or the label removed);
        // the create that follows finds out which.
        return watcher.Get(Operator.Cache.ObjectKey.Of(target.Namespace, target.Name))?.ToJson();
    }

    private async Task<JsonObject?> GetAsync(MemberResource resource, ManifestTarget target, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await member.SendAsync(HttpMethod.Get, resource.ObjectPath(target.Namespace, target.Name), cancellationToken: cancellationToken);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the object as the manifest has it; null when it already exists.</summary>
    private async Task<JsonObject?> CreateAsync(MemberResource resource, ManifestTarget target, JsonObject manifest, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await member.SendAsync(HttpMethod.Post, resource.Collection(target.Namespace).Collection, manifest, cancellationToken);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
    }

    private static JsonObject? Removals(Dictionary<string, string> present, IEnumerable<string> keys)
    {
        var removals = new JsonObject();
        foreach (var key in keys.Where(present.ContainsKey)) removals[key] = null;
        return removals.Count > 0 ? removals : null;
    }

    private static ManifestResult Failed(int ordinal, ManifestTarget? target, string error) => new(ordinal, target, null, ApplyOutcome.Failed, error);

    /// <summary>The API server's own message (its Status body), else the HTTP status.</summary>
    public static string ApiMessage(HttpOperationException e)
    {
        try
        {
            if (JsonNode.Parse(e.Response.Content ?? "")?.String("message") is { Length: > 0 } message) return message;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return $"{(int)e.Response.StatusCode} {e.Response.StatusCode}";
    }
}
