using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;

namespace Kagent.Operator.Client;

/// <summary>
/// The JSON options KubernetesClient itself uses (camelCase, its converters), captured once, with reflection
/// metadata instead of the library's source-generated context: that context finds a type by comparing it with
/// each of its model types in turn, which loads every one of them (thousands, with their methods) the first time a
/// type it does not know is read, and Kagent's own types are all such types.
/// </summary>
public static class KubeJson
{
    public static JsonSerializerOptions Options { get; } = Capture();

    /// <summary>Applies the options to KubernetesClient's own requests; call before the first one (KubeClient does).</summary>
    public static void Configure() => _ = Options;

    /// <summary>The object as KubernetesClient would send it.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>A deep copy, through the wire format (what a status computation starts from).</summary>
    public static T Clone<T>(T value) => JsonSerializer.Deserialize<T>(Serialize(value), Options)!;

    /// <summary>Whether two objects would look the same on the wire (what "changed" means before a write).</summary>
    public static bool SameOnWire<T>(T a, T b) => Serialize(a) == Serialize(b);

    /// <summary>
    /// Whether two objects hold the same JSON, whatever the order of object keys: the API server stores the
    /// schemaless parts of a custom resource (a reflected status) with its keys sorted, so text comparison would see
    /// a change where there is none.
    /// </summary>
    public static bool SameContent<T>(T a, T b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(JsonSerializer.SerializeToNode(a, Options), JsonSerializer.SerializeToNode(b, Options));

    private static JsonSerializerOptions Capture()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options =>
        {
            if (!options.IsReadOnly) options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
            captured = options;
        });
        return captured ?? throw new InvalidOperationException("KubernetesJson did not expose its options");
    }
}
