using System.Text.Json.Serialization;
using k8s.Models;
using Kagent.Operator.Entities;

namespace Kagent.Tests.Operator;

/// <summary>A namespaced test resource that exercises every schema attribute of the runtime.</summary>
[KubernetesEntity(Group = "test.kagent.io", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
[KubernetesEntityShortNames("wdg")]
[AdditionalPrinterColumn("SIZE", "integer", ".spec.size")]
public sealed class Widget : CustomKubernetesEntity<WidgetSpec, WidgetStatus>;

public sealed class WidgetSpec
{
    [JsonPropertyName("color")]
    [Required]
    [EnumValues("red", "green", "blue")]
    public string Color { get; set; } = "red";

    [JsonPropertyName("code")]
    [Pattern("^[A-Z]{3}-[0-9]+$")]
    public string? Code { get; set; }

    [JsonPropertyName("label")]
    [Length(minLength: 2, maxLength: 8)]
    public string? Label { get; set; }

    [JsonPropertyName("size")]
    [RangeMinimum(1)]
    [RangeMaximum(100)]
    public int? Size { get; set; }

    /// <summary>The test controller fails this many times before it succeeds.</summary>
    [JsonPropertyName("failTimes")]
    public int? FailTimes { get; set; }

    [JsonPropertyName("tags")]
    [Length(maxLength: 3)]
    public IList<string>? Tags { get; set; }
}

public sealed class WidgetStatus
{
    [JsonPropertyName("observed")]
    public long? Observed { get; set; }
}
