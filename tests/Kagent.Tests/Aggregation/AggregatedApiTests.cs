using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Faults;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;

namespace Kagent.Tests.Aggregation;

/// <summary>
/// clusterhealths through the real aggregator: kube-apiserver proxies kubectl's requests to the `kagent hub`
/// process behind the APIService v1alpha1.kagent.io, with the front proxy's client certificate.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class AggregatedApiTests(OnboardingFixture hub) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string Healthy = "ch-east";
    private const string Silent = "ch-west";

    private EntityClient<Cluster> Clusters => new(hub.ControlPlane.Admin);

    private IKubernetes Admin => hub.ControlPlane.Admin;

    public async Task InitializeAsync()
    {
        await CreateClusterAsync(Healthy, "Push", new Dictionary<string, string> { ["env"] = "prod" }, ready: true, provider: "aws", region: "us-east-1");
        await RenewLeaseAsync(Healthy, DateTime.UtcNow, durationSeconds: 600);
        await CreateClusterAsync(Silent, "Pull", new Dictionary<string, string> { ["env"] = "dev" }, ready: true, provider: "gcp", region: "europe-west1");
    }

    public async Task DisposeAsync()
    {
        foreach (var name in new[] { Healthy, Silent }) await TestClusters.DeleteAsync(Admin, name);
    }

    [Fact]
    public async Task Kubectl_gets_lists_selects_describes_and_explains_clusterhealths_through_kube_apiserver()
    {
        var table = await KubectlOkAsync("get", "clusterhealth");
        AssertMatches(@"NAME\s+READY\s+REASON\s+HEARTBEAT\s+VERSION\s+NODES\s+CPU%\s+MEMORY%\s+AGE", table);
        AssertMatches($@"{Healthy}\s+True\s+ClusterReady\s+\d+s\s+v1\.20\.2\s+2/3\s+25%\s+50%", table);
        AssertMatches($@"{Silent}\s+Unknown\s+HeartbeatMissing\s+<none>", table);

        var wide = await KubectlOkAsync("get", "ch", "-o", "wide");
        AssertMatches(@"PODS%\s+PROVIDER\s+REGION\s+ZONES\s+MODE\s+PHASE", wide);
        AssertMatches($@"{Healthy}\s+.*\s+10%\s+aws\s+us-east-1\s+us-east-1a,us-east-1b\s+Push\s+<none>", wide);

        var yaml = await KubectlOkAsync("get", "clusterhealth", Healthy, "-o", "yaml");
        Assert.Contains("kind: ClusterHealth", yaml);
        Assert.Contains("apiVersion: kagent.io/v1alpha1", yaml);
        Assert.Contains("ready: \"True\"", yaml);

        var json = JsonNode.Parse(await KubectlOkAsync("get", "clusterhealths", "-o", "json"))!;
        Assert.Equal("List", json["kind"]!.GetValue<string>());
        Assert.Contains(json["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == Healthy);

        var selected = await KubectlOkAsync("get", "clusterhealth", "-l", "env=prod", "-o", "name");
        Assert.Equal($"clusterhealth.kagent.io/{Healthy}", selected.Trim());
        var byName = await KubectlOkAsync("get", "clusterhealth", "--field-selector", $"metadata.name={Silent}", "-o", "name");
        Assert.Equal($"clusterhealth.kagent.io/{Silent}", byName.Trim());

        var resources = await KubectlOkAsync("api-resources", "--api-group", "kagent.io");
        AssertMatches(@"clusterhealths\s+ch\s+kagent\.io/v1alpha1\s+false\s+ClusterHealth", resources);
        AssertMatches(@"clusterregistrations\s+creg\s+kagent\.io/v1beta1\s+false\s+ClusterRegistration", resources);

        // kube-apiserver downloads the hub's OpenAPI some time after the APIService becomes Available.
        var explain = (await Eventually.MatchAsync(() => KubectlAsync("explain", "clusterhealth.status"), r => r.ExitCode == 0, TimeSpan.FromSeconds(90),
            "kubectl explain clusterhealth")).StandardOutput;
        Assert.Contains("heartbeat", explain);
        Assert.Contains("registrationPhase", explain);

        var describe = await KubectlOkAsync("describe", "clusterhealth", Healthy);
        Assert.Contains($"Name:", describe);
        Assert.Contains("ClusterReady", describe);
    }

    [Fact]
    public async Task A_heartbeat_that_stops_shows_as_not_ready_on_a_watch_within_the_lease_duration_plus_one_second()
    {
        await RenewLeaseAsync(Healthy, DateTime.UtcNow, durationSeconds: 4);
        await Eventually.TrueAsync(async () => (await GetHealthAsync(Healthy))?["status"]?["ready"]?.GetValue<string>() == "True", Timeout, "fresh heartbeat");
        var renewed = DateTime.UtcNow;
        await RenewLeaseAsync(Healthy, renewed, durationSeconds: 4);

        using var http = hub.ControlPlane.Server.AdminHttpClient();
        var list = JsonNode.Parse(await http.GetStringAsync($"{hub.ControlPlane.Server.Url}/apis/kagent.io/v1alpha1/clusterhealths"))!;
        var version = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var watch = await http.GetAsync($"{hub.ControlPlane.Server.Url}/apis/kagent.io/v1alpha1/clusterhealths?watch=1&resourceVersion={version}&fieldSelector=metadata.name%3D{Healthy}",
            HttpCompletionOption.ResponseHeadersRead);
        watch.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new InvalidOperationException("watch ended");
            var change = JsonNode.Parse(line)!;
            if (change["type"]!.GetValue<string>() != "MODIFIED") continue;
            var status = change["object"]!["status"]!;
            if (status["ready"]!.GetValue<string>() != "False") continue;
            var seenAfter = DateTime.UtcNow - renewed;
            Assert.Equal("HeartbeatStale", status["reason"]!.GetValue<string>());
            Assert.True(seenAfter < TimeSpan.FromSeconds(4 + 1), $"not ready seen {seenAfter.TotalSeconds:0.0}s after the last renewal");
            break;
        }

        // The transition is an Event on the ClusterHealth (same UID), which kubectl describe lists.
        await Eventually.TrueAsync(async () => (await KubectlAsync("describe", "clusterhealth", Healthy)).StandardOutput.Contains("HeartbeatStale"),
            Timeout, () => "kubectl describe lists the HeartbeatStale Event\n" + hub.HubLogTail());

        await RenewLeaseAsync(Healthy, DateTime.UtcNow, durationSeconds: 600);
        await Eventually.TrueAsync(async () => (await GetHealthAsync(Healthy))?["status"]?["ready"]?.GetValue<string>() == "True", Timeout, "ready again");
    }

    [Fact]
    public async Task Kubectl_watch_prints_changes()
    {
        var log = Path.Combine(hub.Fleet.Root, $"kubectl-watch-{Guid.NewGuid():N}.log");
        using var watch = ServerProcess.Start("kubectl-watch", EnvtestBinaries.Default.Kubectl,
            ["--kubeconfig", hub.ControlPlane.AdminKubeconfigPath, "get", "clusterhealth", "-w"], log);
        await Eventually.TrueAsync(() => File.ReadAllText(log).Contains(Healthy), Timeout, () => "initial list printed\n" + watch.LogTail());
        await CreateClusterAsync("ch-north", "Push", null, ready: false);
        await Eventually.TrueAsync(() => File.ReadAllText(log).Contains("ch-north"), Timeout, () => "new cluster printed\n" + watch.LogTail());
        await Clusters.DeleteAsync("ch-north");
    }

    [Fact]
    public async Task Users_without_rbac_are_forbidden_and_viewers_are_allowed_through_the_aggregator()
    {
        var server = hub.ControlPlane.Server;
        using var nobody = server.ClientFor("mallory");
        var denied = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() =>
            nobody.SendAsync(HttpMethod.Get, "apis/kagent.io/v1alpha1/clusterhealths"));
        Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);
        Assert.Contains("cannot list resource \"clusterhealths\" in API group \"kagent.io\"", JsonNode.Parse(denied.Response.Content)!["message"]!.GetValue<string>());

        await Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "alice-clusterhealth-viewer" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "kagent-clusterhealth-viewer" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "alice", ApiGroup = "rbac.authorization.k8s.io" }],
        });
        try
        {
            using var alice = server.ClientFor("alice");
            using var response = await alice.SendAsync(HttpMethod.Get, $"apis/kagent.io/v1alpha1/clusterhealths/{Healthy}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await Admin.RbacAuthorizationV1.DeleteClusterRoleBindingAsync("alice-clusterhealth-viewer");
        }
    }

    [Fact]
    public async Task Bad_client_certificates_are_refused_within_100_ms_with_nothing_fetched()
    {
        // Issuer (AIA), OCSP and CRL URLs point at a listener that counts connections; before chains were built with
        // downloads off, the hub fetched the issuer while handling the handshake.
        await using var counter = new ConnectionCounter();
        var urls = CertificateAuthority.FetchableUrls(counter.BaseUrl).ToList();
        var stranger = CertificateAuthority.Create("stranger-ca");
        var frontProxy = hub.ControlPlane.Server.FrontProxyCa;
        var huge = new System.Security.Cryptography.X509Certificates.X509Extension(new System.Security.Cryptography.Oid("1.3.6.1.4.1.55555.1"), new byte[256 * 1024], critical: false);
        var cases = new (string What, PemPair Certificate)[]
        {
            ("from an unknown CA", stranger.IssueClient(ApiServer.FrontProxyClientName, ["system:masters"], extensions: urls)),
            ("expired, from the front-proxy CA", frontProxy.IssueClient(ApiServer.FrontProxyClientName, [], TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-2), urls)),
            ("for servers only, from the front-proxy CA", frontProxy.IssueServing(ApiServer.FrontProxyClientName, [], [], extensions: urls)),
            ("self-signed, with the front proxy's name", CertificateAuthority.Create(ApiServer.FrontProxyClientName).Pem),
            ("256 KiB large, from the front-proxy CA", frontProxy.IssueClient(ApiServer.FrontProxyClientName, [], extensions: [huge, .. urls])),
        };
        foreach (var (what, pem) in cases)
        {
            // Refused in the handshake or with 401; the fastest of three tries under 100 ms (the slower ones carry
            // the test machine's noise; a fetch or any other wait would make all three slow).
            var fastest = TimeSpan.MaxValue;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                using var certificate = pem.ToClientCertificate();
                using var http = new HttpClient(TrustedHandler.For(hub.HubCa.Certificate, certificate));
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{hub.HubUrl}/apis/kagent.io/v1alpha1/clusterhealths");
                request.Headers.Add("X-Remote-User", "admin");
                var watch = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    using var response = await http.SendAsync(request);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}");
                }
                catch (HttpRequestException)
                {
                    // Refused in the TLS handshake.
                }

                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"{what}: took {watch.Elapsed}");
                if (watch.Elapsed < fastest) fastest = watch.Elapsed;
            }

            Assert.True(fastest < TimeSpan.FromMilliseconds(100), $"{what}: fastest of three took {fastest.TotalMilliseconds:0} ms");
        }

        Assert.Equal(0, counter.Connections);

        // The hub still serves the real front proxy.
        using var proxy = FrontProxyClient();
        Assert.Equal(HttpStatusCode.OK, (await SendAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1/clusterhealths", "kagent-admin")).StatusCode);
    }

    [Fact]
    public async Task Connections_that_never_finish_the_handshake_are_closed_and_do_not_hold_up_others()
    {
        var port = new Uri(hub.HubUrl).Port;
        var stalled = new List<System.Net.Sockets.TcpClient>();
        try
        {
            // 100 connections: half send nothing, half the first bytes of a TLS record and then nothing.
            for (var i = 0; i < 100; i++)
            {
                var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                if (i % 2 == 1) await tcp.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 });
                stalled.Add(tcp);
            }

            using var proxy = FrontProxyClient();
            var served = System.Diagnostics.Stopwatch.StartNew();
            using (var response = await SendAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1/clusterhealths", "kagent-admin"))
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(served.Elapsed < TimeSpan.FromSeconds(2), $"served after {served.Elapsed} beside stalled handshakes");

            // The hub gives up on each stalled handshake (Kestrel's 10 s handshake timeout) and closes it.
            await Eventually.TrueAsync(async () =>
            {
                foreach (var tcp in stalled.Where(t => t.Connected).ToList())
                {
                    var stream = tcp.GetStream();
                    if (!stream.DataAvailable && tcp.Client.Poll(0, System.Net.Sockets.SelectMode.SelectRead) is false) return false;
                    var buffer = new byte[64];
                    try
                    {
                        while (await stream.ReadAsync(buffer) > 0)
                        {
                        }
                    }
                    catch (IOException)
                    {
                    }

                    tcp.Close();
                }

                return true;
            }, TimeSpan.FromSeconds(30), "every stalled handshake closed by the hub");
        }
        finally
        {
            foreach (var tcp in stalled) tcp.Dispose();
        }
    }

    [Fact]
    public async Task Direct_requests_without_the_front_proxy_certificate_are_refused_whatever_their_headers_say()
    {
        var frontProxy = hub.ControlPlane.Server.FrontProxyCa;
        var otherCa = CertificateAuthority.Create("not-the-front-proxy");
        var cases = new (string What, X509Certificate2? Certificate)[]
        {
            ("no client certificate", null),
            ("a certificate from another CA", otherCa.IssueClient(ApiServer.FrontProxyClientName, []).ToClientCertificate()),
            ("a common name outside the allowed names", frontProxy.IssueClient("someone-else", []).ToClientCertificate()),
            ("an expired certificate", frontProxy.IssueClient(ApiServer.FrontProxyClientName, [], TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow.AddHours(-2)).ToClientCertificate()),
        };
        foreach (var (what, certificate) in cases)
        {
            using var http = new HttpClient(TrustedHandler.For(hub.HubCa.Certificate, certificate));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{hub.HubUrl}/apis/kagent.io/v1alpha1/clusterhealths");
            request.Headers.Add("X-Remote-User", "admin");
            request.Headers.Add("X-Remote-Group", "system:masters");
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {(int)response.StatusCode}");
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("Status", status["kind"]!.GetValue<string>());
        }

        // The real front proxy's certificate with a user that has no rights: authenticated, then denied.
        using var proxy = FrontProxyClient();
        using var forbidden = await SendAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1/clusterhealths", "mallory");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var discovery = await SendAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1", "mallory");
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
    }

    [Fact]
    public async Task Lists_page_watches_resume_and_bad_requests_get_kubernetes_status_errors()
    {
        using var proxy = FrontProxyClient();
        const string admin = "kagent-admin";

        // limit and continue walk the sorted list.
        var first = await JsonAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1/clusterhealths?limit=1", admin);
        Assert.Single(first["items"]!.AsArray());
        var token = first["metadata"]!["continue"]!.GetValue<string>();
        var second = await JsonAsProxyAsync(proxy, $"/apis/kagent.io/v1alpha1/clusterhealths?limit=1&continue={token}", admin);
        Assert.NotEqual(first["items"]![0]!["metadata"]!["name"]!.GetValue<string>(), second["items"]![0]!["metadata"]!["name"]!.GetValue<string>());

        // Table output for kubectl, with the wide columns at priority 1.
        using var tableRequest = new HttpRequestMessage(HttpMethod.Get, $"{hub.HubUrl}/apis/kagent.io/v1alpha1/clusterhealths/{Healthy}");
        tableRequest.Headers.Add("X-Remote-User", admin);
        tableRequest.Headers.Add("X-Remote-Group", "system:masters");
        tableRequest.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        using var tableResponse = await proxy.SendAsync(tableRequest);
        var table = JsonNode.Parse(await tableResponse.Content.ReadAsStringAsync())!;
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(1, table["columnDefinitions"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "Provider")!["priority"]!.GetValue<int>());
        Assert.Equal(Healthy, table["rows"]![0]!["cells"]![0]!.GetValue<string>());

        // A watch from a version the hub never wrote ends with 410 Expired.
        var stale = await TextAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1/clusterhealths?watch=1&resourceVersion=1", admin);
        var error = JsonNode.Parse(stale.Body.Split('\n')[0])!;
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());

        foreach (var (path, code) in new[]
        {
            ("/apis/kagent.io/v1alpha1/clusterhealths?labelSelector=env%20in%20(prod", 400),
            ("/apis/kagent.io/v1alpha1/clusterhealths?labelSelector=%3Dx", 400),
            ("/apis/kagent.io/v1alpha1/clusterhealths?fieldSelector=spec.region%3Dx", 400),
            ("/apis/kagent.io/v1alpha1/clusterhealths?limit=-1", 400),
            ("/apis/kagent.io/v1alpha1/clusterhealths?limit=many", 400),
            ("/apis/kagent.io/v1alpha1/clusterhealths?resourceVersion=abc", 400),
            ("/apis/kagent.io/v1alpha1/clusterhealths?continue=garbage!", 400),
            ($"/apis/kagent.io/v1alpha1/clusterhealths/{Healthy}/status", 404),
            ("/apis/kagent.io/v1alpha1/clusterhealths/no-such-cluster", 404),
            ("/apis/kagent.io/v1alpha1/widgets", 404),
        })
        {
            var answer = await TextAsProxyAsync(proxy, path, admin);
            Assert.True(answer.Code == code, $"{path}: {answer.Code} {answer.Body}");
            Assert.Equal("Status", JsonNode.Parse(answer.Body)!["kind"]!.GetValue<string>());
        }

        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"{hub.HubUrl}/apis/kagent.io/v1alpha1/clusterhealths/{Healthy}");
        delete.Headers.Add("X-Remote-User", admin);
        delete.Headers.Add("X-Remote-Group", "system:masters");
        using var deleted = await proxy.SendAsync(delete);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, deleted.StatusCode);
    }

    [Fact]
    public async Task The_probe_subresource_checks_a_reachable_member_and_explains_a_pull_cluster_it_cannot_reach()
    {
        var member = hub.Fleet.Member("member3");
        await Admin.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "ch-probe-secret", NamespaceProperty = KarmadaConstants.ClusterNamespace },
            Data = new Dictionary<string, byte[]> { ["caBundle"] = Encoding.UTF8.GetBytes(member.Server.ServingCa.CertificatePem) },
        }, KarmadaConstants.ClusterNamespace);
        var probed = await Clusters.CreateAsync(new Cluster
        {
            Metadata = new V1ObjectMeta { Name = "ch-probe" },
            Spec = new ClusterSpec
            {
                SyncMode = "Push", ApiEndpoint = member.Server.Url,
                SecretRef = new LocalSecretReference { Namespace = KarmadaConstants.ClusterNamespace, Name = "ch-probe-secret" },
            },
        });
        try
        {
            var result = await Eventually.MatchAsync(() => KubectlAsync("get", "--raw", "/apis/kagent.io/v1alpha1/clusterhealths/ch-probe/probe"),
                r => r.ExitCode == 0, Timeout, "probe answered");
            var probe = JsonNode.Parse(result.StandardOutput)!;
            Assert.Equal("ClusterHealthProbe", probe["kind"]!.GetValue<string>());
            var ready = probe["endpoints"]!.AsArray().Single(e => e!["path"]!.GetValue<string>() == "/readyz")!;
            Assert.True(ready["ok"]!.GetValue<bool>());
            Assert.Contains(ready["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "etcd" && c["ok"]!.GetValue<bool>());

            var pull = await KubectlAsync("get", "--raw", $"/apis/kagent.io/v1alpha1/clusterhealths/{Silent}/probe");
            Assert.NotEqual(0, pull.ExitCode);
            Assert.Contains("ServiceUnavailable", pull.Output);
        }
        finally
        {
            await Clusters.DeleteAsync(probed.Metadata.Name);
            await Admin.CoreV1.DeleteNamespacedSecretAsync("ch-probe-secret", KarmadaConstants.ClusterNamespace);
        }

        // The 503 names the reason; read it directly, since kubectl shortens it.
        using var proxy = FrontProxyClient();
        var direct = await TextAsProxyAsync(proxy, $"/apis/kagent.io/v1alpha1/clusterhealths/{Silent}/probe", "kagent-admin");
        Assert.Equal(503, direct.Code);
        Assert.Contains("Pull cluster", direct.Body);
        Assert.Contains("no agent has reported", direct.Body);
    }

    private Task CreateClusterAsync(string name, string mode, Dictionary<string, string>? labels, bool ready, string? provider = null, string? region = null) =>
        TestClusters.CreateAsync(Admin, name, mode, labels, ready, provider, region);

    private Task RenewLeaseAsync(string name, DateTime renewTime, int durationSeconds) => TestClusters.RenewLeaseAsync(Admin, name, renewTime, durationSeconds);

    [Fact]
    public async Task An_agent_whose_clock_is_20s_behind_stays_ready_while_it_renews()
    {
        const string skewed = "ch-skewed";
        await CreateClusterAsync(skewed, "Pull", null, ready: true);
        try
        {
            // Lease duration 10s, renewed every 2s, each renewTime 20s behind the control plane's clock: judged by
            // renewTime alone it would always look stale.
            using var proxy = FrontProxyClient();
            var states = new List<string>();
            var until = DateTime.UtcNow.AddSeconds(12);
            var nextRenewal = DateTime.MinValue;
            while (DateTime.UtcNow < until)
            {
                if (DateTime.UtcNow >= nextRenewal)
                {
                    await RenewLeaseAsync(skewed, DateTime.UtcNow.AddSeconds(-20), durationSeconds: 10);
                    nextRenewal = DateTime.UtcNow.AddSeconds(2);
                }

                var (code, body) = await TextAsProxyAsync(proxy, $"/apis/kagent.io/v1alpha1/clusterhealths/{skewed}", "kagent-admin");
                if (code == 200) states.Add(JsonNode.Parse(body)!["status"]!["ready"]!.GetValue<string>());
                await Task.Delay(250);
            }

            Assert.NotEmpty(states);
            Assert.All(states, state => Assert.Equal("True", state));
        }
        finally
        {
            await Clusters.DeleteAsync(skewed);
            await Admin.CoordinationV1.DeleteNamespacedLeaseAsync(skewed, KarmadaConstants.ClusterNamespace);
        }
    }

    [Fact]
    public async Task Huge_headers_are_refused_with_431_and_the_hub_keeps_serving()
    {
        using var proxy = FrontProxyClient();
        using var huge = new HttpRequestMessage(HttpMethod.Get, $"{hub.HubUrl}/apis/kagent.io/v1alpha1/clusterhealths");
        huge.Headers.Add("X-Remote-User", "kagent-admin");
        huge.Headers.Add("X-Remote-Group", "system:masters");
        huge.Headers.Add("X-Padding", new string('x', 64 * 1024));
        try
        {
            using var refused = await proxy.SendAsync(huge);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, refused.StatusCode);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // The hub answered 431 and closed the connection while the client was still writing its headers.
        }

        var (code, _) = await TextAsProxyAsync(proxy, "/apis/kagent.io/v1alpha1/clusterhealths", "kagent-admin");
        Assert.Equal(200, code);
    }

    [Fact]
    public async Task Rotated_certificate_files_are_served_without_a_restart_over_tls_1_2_or_later()
    {
        var (before, protocol) = await ServedCertificateAsync();
        Assert.True(protocol is System.Security.Authentication.SslProtocols.Tls12 or System.Security.Authentication.SslProtocols.Tls13, $"negotiated {protocol}");

        // cert-manager and kubelet replace the files of a mounted Secret; the hub picks the new pair up.
        var rotated = hub.HubCa.IssueServing("kagent-hub", ["localhost", HubApiService.ServiceDnsName], [IPAddress.Loopback]);
        rotated.WriteTo(Path.Combine(hub.Fleet.Root, "hub.crt"), Path.Combine(hub.Fleet.Root, "hub.key"));
        using var expected = X509Certificate2.CreateFromPem(rotated.CertificatePem);
        Assert.NotEqual(before, expected.Thumbprint);
        await Eventually.TrueAsync(async () => (await ServedCertificateAsync()).Thumbprint == expected.Thumbprint, Timeout, () => "rotated certificate served\n" + hub.HubLogTail());

        // kube-apiserver (the aggregator) still reaches the hub.
        await KubectlOkAsync("get", "clusterhealth", Healthy);
    }

    private async Task<(string Thumbprint, System.Security.Authentication.SslProtocols Protocol)> ServedCertificateAsync()
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, hub.HubPort);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = HubApiService.ServiceDnsName });
        using var served = new X509Certificate2(tls.RemoteCertificate!);
        return (served.Thumbprint, tls.SslProtocol);
    }

    private async Task<JsonNode?> GetHealthAsync(string name)
    {
        var result = await KubectlAsync("get", "clusterhealth", name, "-o", "json");
        return result.ExitCode == 0 ? JsonNode.Parse(result.StandardOutput) : null;
    }

    private Task<ProcessRunner.Result> KubectlAsync(params string[] arguments) => hub.KubectlAsync(arguments);

    private static void AssertMatches(string pattern, string value) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(value, pattern), $"/{pattern}/ not in:\n{value}");

    private async Task<string> KubectlOkAsync(params string[] arguments)
    {
        var result = await KubectlAsync(arguments);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)}: {result.Output}\n{hub.HubLogTail()}");
        return result.StandardOutput;
    }

    private HttpClient FrontProxyClient() =>
        new(TrustedHandler.For(hub.HubCa.Certificate, hub.ControlPlane.Server.FrontProxyClient.ToClientCertificate()));

    private Task<HttpResponseMessage> SendAsProxyAsync(HttpClient proxy, string path, string user)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, hub.HubUrl + path);
        // One group only: HttpClient joins repeated headers into one line, which the front proxy never sends.
        request.Headers.Add("X-Remote-User", user);
        request.Headers.Add("X-Remote-Group", user == "kagent-admin" ? "system:masters" : "system:authenticated");
        return proxy.SendAsync(request);
    }

    private async Task<(int Code, string Body)> TextAsProxyAsync(HttpClient proxy, string path, string user)
    {
        using var response = await SendAsProxyAsync(proxy, path, user);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> JsonAsProxyAsync(HttpClient proxy, string path, string user)
    {
        var (code, body) = await TextAsProxyAsync(proxy, path, user);
        Assert.True(code == 200, $"{path}: {code} {body}");
        return JsonNode.Parse(body)!;
    }

}
