using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Testing.Fixtures;
using Xunit;

namespace Kagent.Tests.Operator;

/// <summary>The CRD generated for a test entity is accepted by a real API server, which then enforces its attributes.</summary>
[Collection(FleetCollection.Name)]
public sealed class CrdValidationTests(FleetFixture fleet) : IAsyncLifetime
{
    private const string Namespace = "crd-validation";

    public async Task InitializeAsync()
    {
        await ControlPlane.InstallCrdsAsync(fleet.ControlPlane.Admin, [typeof(Widget)], CancellationToken.None);
        await fleet.ControlPlane.EnsureNamespaceAsync(Namespace);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, Action<WidgetSpec>, string> Invalid => new()
    {
        { "enum", s => s.Color = "purple", "spec.color" },
        { "pattern", s => s.Code = "abc-1", "spec.code" },
        { "min-length", s => s.Label = "x", "spec.label" },
        { "max-length", s => s.Label = "far-too-long", "spec.label" },
        { "minimum", s => s.Size = 0, "spec.size" },
        { "maximum", s => s.Size = 101, "spec.size" },
        { "max-items", s => s.Tags = ["a", "b", "c", "d"], "spec.tags" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Invalid_objects_are_rejected_naming_the_field(string name, Action<WidgetSpec> breakIt, string field)
    {
        var widget = new Widget { Metadata = new V1ObjectMeta { Name = $"invalid-{name}", NamespaceProperty = Namespace } };
        breakIt(widget.Spec);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => new EntityClient<Widget>(fleet.ControlPlane.Admin).CreateAsync(widget));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains(field, error.Response.Content);
    }

    [Fact]
    public async Task Required_fields_are_enforced()
    {
        var raw = new { apiVersion = "test.kagent.io/v1", kind = "Widget", metadata = new { name = "invalid-required" }, spec = new { size = 3 } };
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            fleet.ControlPlane.Admin.CustomObjects.CreateNamespacedCustomObjectAsync(raw, "test.kagent.io", "v1", Namespace, "widgets"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("spec.color", error.Response.Content);
    }

    [Fact]
    public async Task Valid_objects_pass()
    {
        var client = new EntityClient<Widget>(fleet.ControlPlane.Admin);
        var created = await client.CreateAsync(new Widget
        {
            Metadata = new V1ObjectMeta { Name = "valid", NamespaceProperty = Namespace },
            Spec = new WidgetSpec { Color = "blue", Code = "ABC-12", Label = "ok", Size = 100, Tags = ["x"] },
        });
        Assert.Equal("ABC-12", created.Spec.Code);
    }
}
