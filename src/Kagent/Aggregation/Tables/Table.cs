using System.Text.Json.Serialization;
using k8s.Models;

namespace Kagent.Aggregation.Tables;

/// <summary>meta.k8s.io/v1 Table: what kubectl prints for human output.</summary>
public sealed record Table(
    [property: JsonPropertyName("metadata")] V1ListMeta Metadata,
    [property: JsonPropertyName("columnDefinitions")] IReadOnlyList<TableColumn> ColumnDefinitions,
    [property: JsonPropertyName("rows")] IReadOnlyList<TableRow> Rows)
{
    [JsonPropertyName("kind")]
    public string Kind => "Table";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion => "meta.k8s.io/v1";
}

/// <summary>A column; kubectl shows those of priority 0 always and the others with -o wide.</summary>
public sealed record TableColumn(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("priority")] int Priority);

public sealed record TableRow(
    [property: JsonPropertyName("cells")] IReadOnlyList<object?> Cells,
    [property: JsonPropertyName("object")] object? Object);

/// <summary>The row object kube-apiserver sends by default (includeObject=Metadata).</summary>
public sealed record PartialObjectMetadata([property: JsonPropertyName("metadata")] V1ObjectMeta Metadata)
{
    [JsonPropertyName("kind")]
    public string Kind => "PartialObjectMetadata";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion => "meta.k8s.io/v1";
}
