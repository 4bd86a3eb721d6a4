using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using Kagent.Operator.Client;
using Xunit;

namespace Kagent.UnitTests.Operator;

/// <summary>One set of JSON options for Kagent and for KubernetesClient's own requests, resolved by reflection.</summary>
public sealed class KubeJsonTests
{
    [Fact]
    public void KubernetesClient_requests_use_the_same_options_with_reflection_metadata()
    {
        KubeJson.Configure();
        Assert.IsType<DefaultJsonTypeInfoResolver>(KubeJson.Options.TypeInfoResolver);
        k8s.KubernetesJson.AddJsonOptions(options => Assert.Same(KubeJson.Options, options));
    }

    [Fact]
    public void Quantities_times_and_int_or_strings_keep_their_wire_form()
    {
        var renewed = new DateTime(2026, 11, 24, 10, 0, 0, 123, DateTimeKind.Utc);
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "m1" }, Spec = new V1LeaseSpec { RenewTime = renewed, LeaseDurationSeconds = 40 } };
        var container = new V1Container { Name = "c", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1500m") } } };
        var port = new V1ServicePort { Port = 443, TargetPort = "https" };

        Assert.Contains("\"renewTime\":\"2026-11-24T10:00:00.123000Z\"", KubeJson.Serialize(lease));
        Assert.Contains("\"cpu\":\"1500m\"", KubeJson.Serialize(container));
        Assert.Contains("\"targetPort\":\"https\"", KubeJson.Serialize(port));
        Assert.Equal(renewed, KubeJson.Clone(lease).Spec.RenewTime);
        Assert.Equal("https", KubeJson.Clone(port).TargetPort.Value);
        Assert.Equal(KubernetesJson.Serialize(lease), KubeJson.Serialize(lease));
    }
}
