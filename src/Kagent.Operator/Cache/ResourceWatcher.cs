using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kagent.Operator.Cache;

/// <summary>A change the cache saw; <see cref="Old"/> is the cached object before a modification or deletion.</summary>
public sealed record WatchEvent<T>(WatchEventKind Kind, T Object, T? Old) where T : class;

/// <summary>
/// A watch-backed cache of one resource, with controller-runtime's reflector semantics: a paged initial list,
/// a watch from the list's resourceVersion with bookmarks, resumption from the last seen resourceVersion when
/// the server ends a watch, a relist on 410 Gone, and reconnection forever with capped, jittered backoff.
/// <typeparamref name="T"/> may be a slim class that declares only the fields a consumer needs: the JSON
/// deserializer skips the rest, which keeps memory small for large resources such as pods.
/// </summary>
public sealed class ResourceWatcher<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly KubeClient _client;
    private readonly ResourcePath _path;
    private readonly ResourceWatcherOptions _options;
    private readonly Func<T, T>? _transform;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, T> _store = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Action<WatchEvent<T>>[] _handlers = [];
    private string _resourceVersion = "";

    public ResourceWatcher(KubeClient client, ResourcePath path, ResourceWatcherOptions? options = null, Func<T, T>? transform = null, ILogger? logger = null)
    {
        _client = client;
        _path = path;
        _options = options ?? new ResourceWatcherOptions();
        _transform = transform;
        _logger = logger ?? NullLogger.Instance;
        Stats = new WatcherStats(path.Resource);
    }

    public WatcherStats Stats { get; }

    /// <summary>Completes when the first list has been stored.</summary>
    public Task Synced => _synced.Task;

    public string ResourceVersion => Volatile.Read(ref _resourceVersion);

    public int Count => _store.Count;

    public IEnumerable<T> Items => _store.Values;

    public T? Get(string key) => _store.TryGetValue(key, out var value) ? value : null;

    /// <summary>Whether the cache is current: listed, and how long it has been without a watch.</summary>
    public CacheState State => new(_path.Resource, Synced.IsCompletedSuccessfully, Stats.Unwatched);

    /// <summary>
    /// Adds a handler, also while the watcher runs (the list is replaced, never changed in place), until the
    /// returned subscription is disposed. Handlers run on the watcher's loop, so they must be quick (enqueue a key,
    /// update a sum). A handler added after the first list sees only later changes; read <see cref="Items"/> for the rest.
    /// </summary>
    public IDisposable Subscribe(Action<WatchEvent<T>> handler)
    {
        lock (_store) _handlers = [.. _handlers, handler];
        return new DisposeOnce(() =>
        {
            lock (_store) _handlers = [.. _handlers.Where(h => h != handler)];
        });
    }

    /// <summary>Lists and watches until cancelled; never returns early, whatever the server does.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
        var needList = true;
        var relist = false;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var watchesBefore = Stats.WatchesStarted;
            try
            {
                if (needList)
                {
                    await ListAsync(relist, cancellationToken);
                    needList = false;
                    _synced.TrySetResult();
                }

                await WatchAsync(cancellationToken);
                backoff.Reset();
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ResourceVersionGoneException)
            {
                _logger.WatchTooOld(_path.ToString(), ResourceVersion);
                needList = true;
                relist = true;
            }
            catch (Exception e)
            {
                Stats.Error();

                // A watch that was open and then broke (a reset, a proxy or server restart) is not a failing
                // server: reconnect at the shortest delay. Backoff grows only while connecting keeps failing.
                if (Stats.WatchesStarted > watchesBefore)
                {
                    backoff.Reset();
                    failures = 0;
                }

                var delay = backoff.Next();

                // A failure streak logs its 1st, 2nd, 4th, 8th... failure: an outage of minutes costs a few lines.
                failures++;
                if ((failures & (failures - 1)) == 0) _logger.WatchFailed(e, _path.ToString(), delay, failures);
                else _logger.WatchFailedAgain(e, _path.ToString(), delay, failures);
                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(bool relist, CancellationToken cancellationToken)
    {
        Stats.ListStarted(relist);
        var fresh = new Dictionary<string, T>();

        // The next page is asked for as soon as this one's continue token is known, so that the server prepares
        // it while this one is deserialized.
        var pending = FetchPageAsync(null, cancellationToken);
        var continuing = false;
        while (true)
        {
            FetchedPage page;
            try
            {
                page = await pending;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone && continuing)
            {
                // The continue token expired mid-list: start the list over.
                fresh.Clear();
                continuing = false;
                pending = FetchPageAsync(null, cancellationToken);
                continue;
            }

            var next = page.Continue is null ? null : FetchPageAsync(page.Continue, cancellationToken);
            try
            {
                // Keys and versions are read from what the server sent: a transform may keep only a compact form.
                foreach (var item in page.Items()) fresh[ObjectKey.Of(item)] = _transform is null ? item : _transform(item);
            }
            catch
            {
                _ = next?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            if (next is null)
            {
                Replace(fresh);
                Volatile.Write(ref _resourceVersion, page.ResourceVersion);
                return;
            }

            pending = next;
            continuing = true;
        }
    }

    private async Task<FetchedPage> FetchPageAsync(string? continueToken, CancellationToken cancellationToken)
    {
        var uri = _path.WithQuery(
            ("limit", _options.PageSize.ToString()),
            ("continue", continueToken),
            ("labelSelector", _options.LabelSelector),
            ("fieldSelector", _options.FieldSelector));
        using var response = await _client.SendAsync(HttpMethod.Get, uri, cancellationToken: cancellationToken);

        // A whole page at once (its size is bounded by PageSize): custom converters on slim types may skip
        // values, which the streaming deserializer cannot do across its read buffers. The page goes to a buffer of
        // its own, not through the shared array pool, which would keep megabyte buffers long after the first list.
        var body = new MemoryStream(response.Content.Headers.ContentLength is { } length and < int.MaxValue ? (int)length : 256 * 1024);
        await response.Content.CopyToAsync(body, cancellationToken);
        var json = body.GetBuffer().AsMemory(0, (int)body.Length);
        var (continueAt, resourceVersion) = ReadListMeta(json.Span);
        return new FetchedPage(json, continueAt, resourceVersion, uri);
    }

    /// <summary>A list answer's metadata.continue and metadata.resourceVersion, read before its items.</summary>
    private static (string? Continue, string ResourceVersion) ReadListMeta(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a list answer that is not a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (!isMetadata || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            string? continueAt = null, resourceVersion = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueTextEquals("continue"u8) ? 1 : reader.ValueTextEquals("resourceVersion"u8) ? 2 : 0;
                reader.Read();
                if (name == 1) continueAt = reader.GetString();
                else if (name == 2) resourceVersion = reader.GetString();
                else reader.Skip();
            }

            return (string.IsNullOrEmpty(continueAt) ? null : continueAt, resourceVersion ?? "");
        }

        return (null, "");
    }

    /// <summary>Makes the store equal to a fresh list, telling handlers what changed since the last one.</summary>
    private void Replace(Dictionary<string, T> fresh)
    {
        foreach (var (key, obj) in fresh)
        {
            if (_store.TryGetValue(key, out var old))
            {
                _store[key] = obj;
                if (old.Metadata.ResourceVersion != obj.Metadata.ResourceVersion) Dispatch(new WatchEvent<T>(WatchEventKind.Modified, obj, old));
            }
            else
            {
                _store[key] = obj;
                Dispatch(new WatchEvent<T>(WatchEventKind.Added, obj, null));
            }
        }

        foreach (var key in _store.Keys.Where(k => !fresh.ContainsKey(k)).ToList())
        {
            if (_store.TryRemove(key, out var gone)) Dispatch(new WatchEvent<T>(WatchEventKind.Deleted, gone, gone));
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var seconds = (int)(_options.MinWatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble()));
        var uri = _path.WithQuery(
            ("watch", "1"),
            ("resourceVersion", ResourceVersion),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", Math.Max(1, seconds).ToString()),
            ("labelSelector", _options.LabelSelector),
            ("fieldSelector", _options.FieldSelector));

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(HttpMethod.Get, uri, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
        {
            throw new ResourceVersionGoneException();
        }

        Stats.WatchOpened();
        try
        {
            using (response)
            await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
            using (var reader = new StreamReader(stream))
            {
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.Length > 0) Apply(line);
                }
            }
        }
        finally
        {
            Stats.WatchClosed();
        }
    }

    private void Apply(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        var objectElement = root.GetProperty("object");
        switch (type)
        {
            case "ERROR":
                var status = objectElement.Deserialize<V1Status>(JsonOptions);
                if (status?.Code == (int)HttpStatusCode.Gone) throw new ResourceVersionGoneException();
                throw new InvalidOperationException($"watch error {status?.Code}: {status?.Message}");
            case "BOOKMARK":
                var version = objectElement.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                if (!string.IsNullOrEmpty(version)) Volatile.Write(ref _resourceVersion, version);
                return;
        }

        var item = objectElement.Deserialize<T>(JsonOptions) ?? throw new JsonException("watch event without object");
        var key = ObjectKey.Of(item);
        var itemVersion = item.Metadata.ResourceVersion;
        var obj = _transform is null ? item : _transform(item);
        switch (type)
        {
            case "ADDED":
            case "MODIFIED":
                var existed = _store.TryGetValue(key, out var old);
                _store[key] = obj;
                Dispatch(new WatchEvent<T>(existed ? WatchEventKind.Modified : WatchEventKind.Added, obj, old));
                break;
            case "DELETED":
                _store.TryRemove(key, out var removed);
                Dispatch(new WatchEvent<T>(WatchEventKind.Deleted, obj, removed));
                break;
        }

        Volatile.Write(ref _resourceVersion, itemVersion);
    }

    private void Dispatch(WatchEvent<T> change)
    {
        foreach (var handler in _handlers)
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                _logger.WatchHandlerFailed(e, _path.ToString(), change.Kind.ToString(), ObjectKey.Of(change.Object).ToString());
            }
        }
    }

    /// <summary>KubernetesClient's JSON options (its converters for quantities, dates and int-or-string).</summary>
    private static JsonSerializerOptions JsonOptions => KubeJson.Options;

    /// <summary>One page of a list, as received: its items are deserialized when the store takes them.</summary>
    private sealed record FetchedPage(ReadOnlyMemory<byte> Json, string? Continue, string ResourceVersion, string Uri)
    {
        public List<T> Items() => (JsonSerializer.Deserialize<ListPage>(Json.Span, JsonOptions) ?? throw new JsonException($"empty list answer from {Uri}")).Items;
    }

    private sealed class ListPage
    {
        [JsonPropertyName("items")]
        public List<T> Items { get; set; } = [];
    }

    private sealed class ResourceVersionGoneException : Exception;
}
