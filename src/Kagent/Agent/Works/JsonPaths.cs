using System.Text.Json.Nodes;

namespace Kagent.Agent.Works;

/// <summary>Small helpers over JSON trees of Kubernetes objects.</summary>
public static class JsonPaths
{
    /// <summary>The node at a dotted path ("spec.replicas"), or null.</summary>
    public static JsonNode? At(this JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(part, out node)) return null;
        }

        return node;
    }

    public static long? Long(this JsonNode? node, string path) =>
        node.At(path) is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    public static string? String(this JsonNode? node, string path) =>
        node.At(path) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A label's value (keys hold dots and slashes, so they are not part of a dotted path).</summary>
    public static string? Label(this JsonNode? node, string key) => node.At("metadata.labels")?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string? Annotation(this JsonNode? node, string key) => node.At("metadata.annotations")?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Sets a value at a dotted path, creating the objects on the way; a null value removes the field.</summary>
    public static void Set(this JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject next)
            {
                if (value is null) return;
                next = new JsonObject();
                node[part] = next;
            }

            node = next;
        }

        if (value is null) node.Remove(parts[^1]);
        else node[parts[^1]] = value;
    }

    /// <summary>A string map (labels, annotations) at a path, empty when absent.</summary>
    public static Dictionary<string, string> StringMap(this JsonNode? node, string path) =>
        node.At(path) is JsonObject map
            ? map.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString())
            : [];

    /// <summary>
    /// Whether every field <paramref name="desired"/> sets has the same value in <paramref name="live"/>: objects are
    /// compared key by key (live may hold more: defaults, fields of other writers), lists item by item with equal
    /// lengths, values exactly (numbers by value).
    /// </summary>
    public static bool IsSubsetOf(JsonNode? desired, JsonNode? live)
    {
        switch (desired)
        {
            case null:
                return true;
            case JsonObject fields:
                if (live is not JsonObject liveFields) return fields.Count == 0 && live is null;
                return fields.All(kv => liveFields.TryGetPropertyValue(kv.Key, out var lv) ? IsSubsetOf(kv.Value, lv) : kv.Value is null || IsEmpty(kv.Value));
            case JsonArray items:
                if (live is not JsonArray liveItems) return items.Count == 0 && live is null;
                return items.Count == liveItems.Count && items.Zip(liveItems).All(p => IsSubsetOf(p.First, p.Second));
            default:
                return live is JsonValue && SameValue((JsonValue)desired, (JsonValue)live);
        }
    }

    private static bool IsEmpty(JsonNode node) => node is JsonObject { Count: 0 } or JsonArray { Count: 0 };

    private static bool SameValue(JsonValue a, JsonValue b)
    {
        if (a.TryGetValue<decimal>(out var x) && b.TryGetValue<decimal>(out var y)) return x == y;
        return JsonNode.DeepEquals(a, b);
    }
}
