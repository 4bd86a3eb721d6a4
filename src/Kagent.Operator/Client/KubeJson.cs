using System.Text.Json;
using k8s;

namespace Kagent.Operator.Client;

/// <summary>The JSON options KubernetesClient itself uses (camelCase, its converters), captured once.</summary>
public static class KubeJson
{
    public static JsonSerializerOptions Options { get; } = Capture();

    /// <summary>The object as KubernetesClient would send it.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>A deep copy, through the wire format (what a status computation starts from).</summary>
    public static T Clone<T>(T value) => JsonSerializer.Deserialize<T>(Serialize(value), Options)!;

    /// <summary>Whether two objects would look the same on the wire (what "changed" means before a write).</summary>
    public static bool SameOnWire<T>(T a, T b) => Serialize(a) == Serialize(b);

    private static JsonSerializerOptions Capture()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        return captured ?? throw new InvalidOperationException("KubernetesJson did not expose its options");
    }
}
