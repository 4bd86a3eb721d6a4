using System.Text.Json;
using k8s;

namespace Kagent.Operator.Client;

/// <summary>The JSON options KubernetesClient itself uses (camelCase, its converters), captured once.</summary>
public static class KubeJson
{
    public static JsonSerializerOptions Options { get; } = Capture();

    private static JsonSerializerOptions Capture()
    {
        JsonSerializerOptions? captured = null;
        KubernetesJson.AddJsonOptions(options => captured = options);
        return captured ?? throw new InvalidOperationException("KubernetesJson did not expose its options");
    }
}
