using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Faults;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;

namespace Kagent.Tests.Aggregation;

/// <summary>
/// Discovery and OpenAPI of the hub as current clients and kube-apiservers read them: aggregated discovery
/// (apidiscovery.k8s.io v2 and v2beta1) and OpenAPI v3 with kube-openapi's hash caching, parsed by KubernetesClient's
/// models and by kubectl itself pointed straight at the hub (through a proxy that adds the front proxy's
/// certificate and headers, as kube-apiserver's aggregator does).
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class DiscoveryTests(OnboardingFixture hub)
{
    private const string AggregatedV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private const string AggregatedV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    [Fact]
    public async Task Aggregated_discovery_is_served_when_asked_and_legacy_discovery_otherwise()
    {
        using var client = FrontProxyClient();
        foreach (var (accept, version) in new[] { ($"{AggregatedV2},{AggregatedV2Beta1},application/json", "v2"), ($"{AggregatedV2Beta1},application/json", "v2beta1") })
        {
            using var response = await SendAsync(client, "/apis", accept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList", response.Content.Headers.ContentType!.ToString().Replace(" ", ""));
            var body = await response.Content.ReadAsStringAsync();
            if (version == "v2")
            {
                var group = System.Text.Json.JsonSerializer.Deserialize<V2APIGroupDiscoveryList>(body, KubeJson.Options)!.Items.Single();
                Assert.Equal(("kagent.io", "v1alpha1"), (group.Metadata.Name, group.Versions.Single().Version));
                var resource = group.Versions.Single().Resources.Single();
                Assert.Equal(("clusterhealths", "clusterhealth", "Cluster", "ClusterHealth"), (resource.Resource, resource.SingularResource, resource.Scope, resource.ResponseKind.Kind));
                Assert.Equal(["get", "list", "watch"], resource.Verbs);
                Assert.Contains("ch", resource.ShortNames);
                Assert.Equal("probe:ClusterHealthProbe:get history:ClusterHealthHistory:get",
                    string.Join(' ', resource.Subresources.Select(s => $"{s.Subresource}:{s.ResponseKind.Kind}:{string.Join(',', s.Verbs)}")));
            }
            else
            {
                var list = System.Text.Json.JsonSerializer.Deserialize<V2beta1APIGroupDiscoveryList>(body, KubeJson.Options)!;
                Assert.Equal("apidiscovery.k8s.io/v2beta1", list.ApiVersion);
                Assert.Equal("clusterhealths", list.Items.Single().Versions.Single().Resources.Single().Resource);
            }

            // The same document again: 304 for the ETag it came with.
            using var again = await SendAsync(client, "/apis", accept, response.Headers.ETag?.Tag);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        }

        foreach (var accept in new[] { "application/json", "*/*", "application/json, application/yaml" })
        {
            using var legacy = await SendAsync(client, "/apis", accept);
            Assert.Equal("application/json", legacy.Content.Headers.ContentType!.MediaType);
            var groups = System.Text.Json.JsonSerializer.Deserialize<V1APIGroupList>(await legacy.Content.ReadAsStringAsync(), KubeJson.Options)!;
            Assert.Equal("kagent.io/v1alpha1", groups.Groups.Single().PreferredVersion.GroupVersion);
        }
    }

    [Fact]
    public async Task OpenApi_v3_lists_the_group_version_by_hash_and_serves_it_with_kube_openapi_caching()
    {
        using var client = FrontProxyClient();
        using var index = await SendAsync(client, "/openapi/v3", "application/json");
        var url = JsonNode.Parse(await index.Content.ReadAsStringAsync())!["paths"]!["apis/kagent.io/v1alpha1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.Matches("^/openapi/v3/apis/kagent.io/v1alpha1\\?hash=[0-9A-F]{128}$", url);
        var hash = url[(url.IndexOf('=') + 1)..];

        using var current = await SendAsync(client, url, "application/json");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal($"\"{hash}\"", current.Headers.ETag!.Tag);
        Assert.Contains("immutable", current.Headers.CacheControl!.ToString());
        var spec = JsonNode.Parse(await current.Content.ReadAsStringAsync())!;
        Assert.Equal("3.0.0", spec["openapi"]!.GetValue<string>());
        var health = spec["components"]!["schemas"]!["io.kagent.v1alpha1.ClusterHealth"]!;
        Assert.Equal("ClusterHealth", health["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.NotNull(health["properties"]!["status"]!["properties"]!["heartbeat"]);
        var list = spec["paths"]!["/apis/kagent.io/v1alpha1/clusterhealths"]!["get"]!;
        Assert.Equal("#/components/schemas/io.kagent.v1alpha1.ClusterHealthList",
            list["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());

        using var unchanged = await SendAsync(client, url, "application/json", $"\"{hash}\"");
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        using var stale = await SendAsync(client, "/openapi/v3/apis/kagent.io/v1alpha1?hash=ABC", "application/json");
        Assert.Equal(HttpStatusCode.MovedPermanently, stale.StatusCode);
        Assert.Equal(url, stale.Headers.Location!.ToString());

        // The v2 document is still there, with Swagger 2.0 references.
        using var v2 = await SendAsync(client, "/openapi/v2", "application/json");
        var swagger = JsonNode.Parse(await v2.Content.ReadAsStringAsync())!;
        Assert.Equal("2.0", swagger["swagger"]!.GetValue<string>());
        Assert.Equal("#/definitions/io.kagent.v1alpha1.ClusterHealth",
            swagger["paths"]!["/apis/kagent.io/v1alpha1/clusterhealths/{name}"]!["get"]!["responses"]!["200"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_pointed_at_the_hub_discovers_by_aggregated_discovery_and_explains_from_openapi_v3()
    {
        var seen = new ConcurrentQueue<(string Path, string Accept, int Code)>();
        var upstream = new FrontProxyHeaders(TrustedHandler.For(hub.HubCa.Certificate, hub.ControlPlane.Server.FrontProxyClient.ToClientCertificate()), seen);
        await using var proxy = await HttpFaultProxy.StartAsync(hub.HubUrl, upstream, new FaultMix(0, 0, TimeSpan.Zero));
        var directory = Directory.CreateTempSubdirectory("kagent-kubectl-");
        var kubeconfig = Path.Combine(directory.FullName, "hub.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters: [{"{"}name: hub, cluster: {"{"}server: "{proxy.Url}"{"}"}{"}"}]
            users: [{"{"}name: hub, user: {"{"}{"}"}{"}"}]
            contexts: [{"{"}name: hub, context: {"{"}cluster: hub, user: hub{"}"}{"}"}]
            current-context: hub
            """);
        async Task<string> KubectlAsync(params string[] arguments)
        {
            var result = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl,
                ["--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(directory.FullName, "cache"), .. arguments], TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)}: {result.Output}\n{hub.HubLogTail()}");
            return result.StandardOutput;
        }

        var resources = await KubectlAsync("api-resources");
        Assert.Matches(@"clusterhealths\s+ch\s+kagent\.io/v1alpha1\s+false\s+ClusterHealth", resources);
        var explain = await KubectlAsync("explain", "clusterhealth.status");
        Assert.Contains("heartbeat", explain);
        Assert.Contains("registrationPhase", explain);

        // Which documents kubectl read depends on its version: aggregated discovery since 1.30, OpenAPI v3 since 1.27.
        var minor = int.Parse(JsonNode.Parse(await KubectlAsync("version", "--client", "-o", "json"))!["clientVersion"]!["minor"]!.GetValue<string>().TrimEnd('+'));
        if (minor >= 30) Assert.Contains(seen, r => r.Path == "/apis" && r.Accept.Contains("as=APIGroupDiscoveryList") && r.Code == 200);
        if (minor >= 27) Assert.Contains(seen, r => r.Path == "/openapi/v3/apis/kagent.io/v1alpha1" && r.Code == 200);
        directory.Delete(recursive: true);
    }

    /// <summary>As the aggregator: the front proxy's certificate; redirects are the client's to follow, not the handler's.</summary>
    private HttpClient FrontProxyClient()
    {
        var handler = TrustedHandler.For(hub.HubCa.Certificate, hub.ControlPlane.Server.FrontProxyClient.ToClientCertificate());
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler) { BaseAddress = new Uri(hub.HubUrl) };
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string accept, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Remote-User", "kagent-admin");
        request.Headers.Add("X-Remote-Group", "system:masters");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return client.SendAsync(request);
    }

    /// <summary>What kube-apiserver's aggregator adds to a request it proxies: the user in headers, over the front proxy's certificate.</summary>
    private sealed class FrontProxyHeaders(HttpMessageHandler inner, ConcurrentQueue<(string Path, string Accept, int Code)> seen) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("X-Remote-User");
            request.Headers.Remove("X-Remote-Group");
            request.Headers.Add("X-Remote-User", "kagent-admin");
            request.Headers.Add("X-Remote-Group", "system:masters");
            var response = await base.SendAsync(request, cancellationToken);
            seen.Enqueue((request.RequestUri!.AbsolutePath, string.Join(",", request.Headers.Accept), (int)response.StatusCode));
            return response;
        }
    }
}
