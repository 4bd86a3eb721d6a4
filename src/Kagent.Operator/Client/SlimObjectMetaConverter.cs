using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;

namespace Kagent.Operator.Client;

/// <summary>
/// Reads only what a cache needs of an object's metadata (name, namespace, uid, resourceVersion, generation) and
/// skips the rest, managedFields and annotations above all: for caches of many objects, most of what a list
/// allocates is metadata nobody reads. Put it on the Metadata property of a slim type. A derived converter keeps
/// the labels it names (<see cref="ReadsLabels"/>, <see cref="KeepsLabel"/>).
/// </summary>
public class SlimObjectMetaConverter : JsonConverter<V1ObjectMeta>
{
    public override V1ObjectMeta? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("metadata is not an object");
        var meta = new V1ObjectMeta();

        // Property names are compared as UTF-8, not read as strings: this runs for every object of a list.
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("name"u8)) meta.Name = ReadString(ref reader);
            else if (reader.ValueTextEquals("namespace"u8)) meta.NamespaceProperty = ReadString(ref reader);
            else if (reader.ValueTextEquals("uid"u8)) meta.Uid = ReadString(ref reader);
            else if (reader.ValueTextEquals("resourceVersion"u8)) meta.ResourceVersion = ReadString(ref reader);
            else if (reader.ValueTextEquals("generation"u8)) meta.Generation = reader.Read() && reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
            else if (ReadsLabels && reader.ValueTextEquals("labels"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) meta.Labels = ReadLabels(ref reader);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return meta;

        static string? ReadString(ref Utf8JsonReader reader) => reader.Read() ? reader.GetString() : null;
    }

    /// <summary>Whether labels are read at all (only a derived converter that keeps some reads them).</summary>
    protected virtual bool ReadsLabels => false;

    /// <summary>Whether a label is kept; none are, unless a derived converter says so.</summary>
    protected virtual bool KeepsLabel(string key) => false;

    private Dictionary<string, string>? ReadLabels(ref Utf8JsonReader reader)
    {
        Dictionary<string, string>? labels = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (KeepsLabel(key) && reader.TokenType == JsonTokenType.String) (labels ??= [])[key] = reader.GetString()!;
            else reader.Skip();
        }

        return labels;
    }

    public override void Write(Utf8JsonWriter writer, V1ObjectMeta value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.Name is not null) writer.WriteString("name", value.Name);
        if (value.NamespaceProperty is not null) writer.WriteString("namespace", value.NamespaceProperty);
        if (value.Uid is not null) writer.WriteString("uid", value.Uid);
        if (value.ResourceVersion is not null) writer.WriteString("resourceVersion", value.ResourceVersion);
        if (value.Generation is { } generation) writer.WriteNumber("generation", generation);
        if (value.Labels is { Count: > 0 } labels)
        {
            writer.WriteStartObject("labels");
            foreach (var (key, label) in labels) writer.WriteString(key, label);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
