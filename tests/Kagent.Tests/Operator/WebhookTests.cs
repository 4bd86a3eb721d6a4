using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Operator.Hosting;
using Kagent.Operator.Webhooks;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Kagent.Tests.Operator;

public sealed class WidgetWebhook : ValidationWebhook<Widget>
{
    public override Task<ValidationResult> CreateAsync(Widget entity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Validate(entity));

    public override Task<ValidationResult> UpdateAsync(Widget oldEntity, Widget newEntity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(oldEntity.Spec.Color != newEntity.Spec.Color
            ? ValidationResult.Fail($"spec.color: may not change from {oldEntity.Spec.Color} to {newEntity.Spec.Color}")
            : Validate(newEntity));

    private static ValidationResult Validate(Widget widget) =>
        widget.Spec.Size > 10 ? ValidationResult.Fail($"spec.size: {widget.Spec.Size} is more than 10, the most a widget may have")
        : widget.Spec.Label == "legacy" ? ValidationResult.Success("spec.label: 'legacy' is deprecated")
        : ValidationResult.Success();
}

/// <summary>A validation webhook on the runtime, called by a real kube-apiserver, and robust to any body.</summary>
[Collection(FleetCollection.Name)]
public sealed class WebhookTests(FleetFixture fleet) : IAsyncLifetime
{
    private const string WebhookName = "widgets.test.kagent.io";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _namespace = $"webhook-{Guid.NewGuid().ToString("N")[..6]}";
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("webhook-test-ca");
    private WebApplication? _app;
    private int _port;

    private EntityClient<Widget> Widgets => new(fleet.ControlPlane.Admin);

    public async Task InitializeAsync()
    {
        await ControlPlane.InstallCrdsAsync(fleet.ControlPlane.Admin, [typeof(Widget)], CancellationToken.None);
        await fleet.ControlPlane.Admin.EnsureNamespaceAsync(_namespace, new Dictionary<string, string> { ["webhook-test"] = _namespace });

        _port = FreePort.Next();
        var serving = _ca.IssueServing("webhook", ["localhost"], [IPAddress.Loopback]).ToX509();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, _port, l => l.UseHttps(serving)));
        builder.Services.AddKubernetesOperator(new OperatorOptions { Name = "webhook-test", DefaultClientName = "none" })
            .AddValidationWebhook<WidgetWebhook, Widget>();
        _app = builder.Build();
        _app.MapValidationWebhooks();
        await _app.StartAsync();

        await fleet.ControlPlane.Admin.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(new V1ValidatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = $"{WebhookName}-{_namespace}" },
            Webhooks =
            [
                new V1ValidatingWebhook
                {
                    Name = WebhookName,
                    ClientConfig = new Admissionregistrationv1WebhookClientConfig
                    {
                        Url = $"https://127.0.0.1:{_port}{ValidationWebhookPaths.For<Widget>()}",
                        CaBundle = Encoding.UTF8.GetBytes(_ca.CertificatePem),
                    },
                    Rules = [new V1RuleWithOperations { ApiGroups = ["test.kagent.io"], ApiVersions = ["v1"], Operations = ["CREATE", "UPDATE"], Resources = ["widgets"], Scope = "Namespaced" }],
                    NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["webhook-test"] = _namespace } },
                    FailurePolicy = "Fail",
                    SideEffects = "None",
                    AdmissionReviewVersions = ["v1"],
                    TimeoutSeconds = 5,
                },
            ],
        });
    }

    public async Task DisposeAsync()
    {
        await fleet.ControlPlane.Admin.AdmissionregistrationV1.DeleteValidatingWebhookConfigurationAsync($"{WebhookName}-{_namespace}");
        if (_app is not null) await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_api_server_calls_the_webhook_which_denies_naming_the_field()
    {
        var tooBig = NewWidget("too-big", size: 11);
        var denial = await Eventually.MatchAsync(async () =>
        {
            try
            {
                await Widgets.CreateAsync(tooBig);
                await Widgets.DeleteAsync("too-big", _namespace);
                return null;
            }
            catch (HttpOperationException e)
            {
                return e;
            }
        }, e => e is not null, Timeout, "webhook configuration in effect");
        var expected = $"admission webhook \"{WebhookName}\" denied the request: spec.size: 11 is more than 10, the most a widget may have";
        Assert.Equal(expected, KubernetesJson.Deserialize<V1Status>(denial!.Response.Content).Message);

        var created = await Widgets.CreateAsync(NewWidget("fine", size: 5));
        created.Spec.Color = "green";
        var update = await Assert.ThrowsAsync<HttpOperationException>(() => Widgets.ReplaceAsync(created));
        Assert.EndsWith("denied the request: spec.color: may not change from red to green", KubernetesJson.Deserialize<V1Status>(update.Response.Content).Message);
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "empty", "" },
        { "truncated", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\"" },
        { "not json", "<xml/>" },
        { "array", "[1,2,3]" },
        { "null", "null" },
        { "wrong kind", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}" },
        { "old version", "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\",\"operation\":\"CREATE\"}}" },
        { "no request", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}" },
        { "no uid", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}" },
        { "bad operation", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"1\",\"operation\":\"EXPLODE\"}}" },
        { "wrong types", "{\"apiVersion\":5,\"kind\":[],\"request\":\"x\"}" },
        { "deep nesting", new string('[', 5000) + new string(']', 5000) },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_bodies_get_a_400_with_a_reason(string name, string body)
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(body));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: HTTP {(int)response.StatusCode}");
        var status = KubernetesJson.Deserialize<V1Status>(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, status.Code);
        Assert.False(string.IsNullOrEmpty(status.Message));
    }

    [Fact]
    public async Task Random_and_oversized_bodies_are_refused_and_the_server_keeps_serving()
    {
        var random = new Random(1234);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            using var response = await PostAsync(bytes);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var oversized = await PostAsync(new byte[ValidationWebhookEndpoint.MaxBodyBytes + 1]))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        }

        // A wrong-kind object inside a well-formed review: a denial that echoes the uid, never a patch.
        var review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"abc-123\",\"operation\":\"CREATE\"," +
                     "\"userInfo\":{\"username\":\"u\"},\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}}}";
        using var answer = await PostAsync(Encoding.UTF8.GetBytes(review));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.Contains("\"uid\":\"abc-123\"", text);
        Assert.Contains("\"allowed\":false", text);
        Assert.Contains("is a Pod, not a Widget", text);
        Assert.DoesNotContain("patch", text);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body)
    {
        using var http = new HttpClient(TrustedHandler.For(_ca.Certificate));
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        return await http.PostAsync($"https://127.0.0.1:{_port}{ValidationWebhookPaths.For<Widget>()}", content);
    }

    private Widget NewWidget(string name, int size) =>
        new() { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _namespace }, Spec = new WidgetSpec { Size = size } };
}
