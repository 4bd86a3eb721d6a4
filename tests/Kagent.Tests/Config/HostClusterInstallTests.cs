using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Pki;
using Kagent.Testing.Servers;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Kagent.Tests.Config;

/// <summary>
/// The two-part install, as Karmada lays out its own components: config/install*/host goes to the host cluster,
/// config/install*/karmada-apiserver to karmada-apiserver, which has no nodes. Each part is accepted where it
/// belongs; nothing for karmada-apiserver needs a node; the APIService and the webhooks resolve to the hub's
/// Service in the host cluster; and the hub runs with exactly the arguments and mounts of the host Deployment.
/// </summary>
public sealed class HostClusterInstallTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] WorkloadKinds = ["Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"];
    private static readonly string[] HostKinds = ["Namespace", "ServiceAccount", "Secret", "Deployment", "Service", "PodDisruptionBudget", "Certificate", "Issuer"];
    private Fleet _fleet = null!;

    private ControlPlane KarmadaApiServer => _fleet.ControlPlane;

    private MemberCluster Host => _fleet.Member("host");

    public async Task InitializeAsync() => _fleet = await Fleet.StartAsync(TestDirectories.NewRoot("host-install"), ["host"]);

    public async Task DisposeAsync() => await _fleet.DisposeAsync();

    [Theory]
    [InlineData("config/install")]
    [InlineData("config/install-cert-manager")]
    public async Task Each_part_is_accepted_where_it_belongs_and_the_control_plane_part_needs_no_node(string install)
    {
        var hostYaml = await RenderAsync($"{install}/host");
        var karmadaYaml = await RenderAsync($"{install}/karmada-apiserver");
        var host = Parse(hostYaml);
        var karmada = Parse(karmadaYaml);

        Assert.Empty(karmada.Where(o => WorkloadKinds.Contains(Kind(o))).Select(Describe));
        Assert.Empty(host.Where(o => !HostKinds.Contains(Kind(o))).Select(Describe));
        AssertBridgeResolvesToTheHub(host, karmada);

        if (install.Contains("cert-manager"))
            await ControlPlane.InstallCrdsAsync(Host.Admin, ControlPlane.SchemalessCrds("cert-manager.io", "v1", ("certificates", "Certificate"), ("issuers", "Issuer")), CancellationToken.None);
        await DryRunAsync(Host, hostYaml);
        await DryRunAsync(KarmadaApiServer, karmadaYaml);
    }

    [Fact]
    public async Task The_hub_runs_as_the_host_Deployment_says_reaching_karmada_apiserver_through_its_kubeconfig()
    {
        const string install = "config/install-cert-manager";
        var host = Parse(await RenderAsync($"{install}/host"));
        await ApplyAsync(KarmadaApiServer, await RenderAsync($"{install}/karmada-apiserver"));
        var port = FreePort.Next();
        await StandInForHostDnsAsync(port);

        // The files the Deployment's Secrets hold: karmada-apiserver's kubeconfig with a token of the hub's
        // ServiceAccount there (docs/operations.md), and what cert-manager writes for the hub's Certificate.
        var files = Directory.CreateDirectory(Path.Combine(_fleet.Root, "hub-files")).FullName;
        var token = await KarmadaApiServer.Admin.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 3600 } }, "kagent-hub", "kagent-system");
        var secrets = new Dictionary<string, Dictionary<string, string>>
        {
            ["kagent-hub-config"] = new()
            {
                ["karmada.config"] = Kubeconfig.Render("karmada-apiserver", KarmadaApiServer.Server.Url, KarmadaApiServer.Server.ServingCa.CertificatePem,
                    "kagent-hub", new Credentials.Token(token.Status.Token)),
            },
        };
        var ca = CertificateAuthority.Create("kagent-hub-ca");
        var dnsNames = host.Single(o => Kind(o) == "Certificate" && Name(o) == "kagent-hub-serving")["spec"]!["dnsNames"]!.AsArray().Select(n => n!.GetValue<string>());
        var serving = ca.IssueServing("kagent-hub", dnsNames, [IPAddress.Loopback]);
        secrets["kagent-hub-tls"] = new() { ["tls.crt"] = serving.CertificatePem, ["tls.key"] = serving.KeyPem, ["ca.crt"] = ca.CertificatePem };

        var arguments = HubArguments(host, secrets, files, port);
        using var hub = KagentProcess.Start("hub-host-install", arguments, Path.Combine(_fleet.Root, "hub-host-install.log"));

        // The hub injected the CA from its mounted ca.crt, so kube-apiserver trusts it for both.
        await HubApiService.WaitAvailableAsync(KarmadaApiServer.Admin, Timeout, () => hub.LogTail());
        var webhooks = await KarmadaApiServer.Admin.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("kagent-onboarding");
        Assert.All(webhooks.Webhooks, w => Assert.Equal(ca.CertificatePem, Encoding.UTF8.GetString(w.ClientConfig.CaBundle)));
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await KarmadaApiServer.Admin.CustomObjects.CreateClusterCustomObjectAsync(new Dictionary<string, object>
                {
                    ["apiVersion"] = "kagent.io/v1beta1", ["kind"] = "ClusterRegistration",
                    ["metadata"] = new Dictionary<string, object> { ["name"] = "probe" },
                    ["spec"] = new Dictionary<string, object> { ["apiEndpoint"] = "http://probe" },
                }, "kagent.io", "v1beta1", "clusterregistrations");
                return false;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.Content.Contains("spec.apiEndpoint"))
            {
                return true;
            }
        }, Timeout, () => "the hub's webhook refuses an invalid registration\n" + hub.LogTail());
        // clusterhealths answers once the hub's caches have synced (503 until then, as any aggregated server).
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return await KarmadaApiServer.Admin.CustomObjects.ListClusterCustomObjectAsync("kagent.io", "v1alpha1", "clusterhealths") is not null;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return false;
            }
        }, Timeout, () => "clusterhealths listed\n" + hub.LogTail());
        Assert.DoesNotContain("forbidden", await File.ReadAllTextAsync(hub.LogPath), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The APIService and every webhook name one Service in karmada-apiserver that points at the hub's Service in the host.</summary>
    private static void AssertBridgeResolvesToTheHub(List<JsonObject> host, List<JsonObject> karmada)
    {
        var apiService = karmada.Single(o => Kind(o) == "APIService");
        var reference = apiService["spec"]!["service"]!;
        var references = karmada.Where(o => Kind(o) == "ValidatingWebhookConfiguration")
            .SelectMany(o => o["webhooks"]!.AsArray()).Select(w => w!["clientConfig"]!["service"]!).Prepend(reference).ToList();
        Assert.All(references, r => Assert.Equal((Text(reference["namespace"]), Text(reference["name"]), "443"), (Text(r["namespace"]), Text(r["name"]), Text(r["port"]))));

        var bridge = karmada.Single(o => Kind(o) == "Service" && Name(o) == Text(reference["name"]) && Namespace(o) == Text(reference["namespace"]));
        Assert.Equal("ExternalName", Text(bridge["spec"]!["type"]));
        Assert.Contains(bridge["spec"]!["ports"]!.AsArray(), p => Text(p!["port"]) == "443");
        var target = Text(bridge["spec"]!["externalName"]);

        var hubService = host.Single(o => Kind(o) == "Service" && $"{Name(o)}.{Namespace(o)}.svc.cluster.local" == target);
        var deployment = host.Single(o => Kind(o) == "Deployment" && Name(o) == "kagent-hub");
        var podLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        Assert.All(hubService["spec"]!["selector"]!.AsObject(), s => Assert.Equal(Text(s.Value), Text(podLabels[s.Key])));
        var https = hubService["spec"]!["ports"]!.AsArray().Single(p => Text(p!["port"]) == "443")!;
        var containerPorts = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]!.AsArray();
        Assert.Contains(containerPorts, p => Text(p!["name"]) == Text(https["targetPort"]));
    }

    /// <summary>
    /// kube-apiserver dials the bridge's externalName; this machine has no cluster DNS, so the bridge points at the
    /// hub's address and port instead, as the host cluster's DNS and Service would.
    /// </summary>
    private async Task StandInForHostDnsAsync(int port)
    {
        var client = KarmadaApiServer.Admin;
        var bridge = await client.CoreV1.ReadNamespacedServiceAsync("kagent-hub", "kagent-system");
        bridge.Spec.ExternalName = "127.0.0.1";
        bridge.Spec.Ports[0].Port = port;
        await client.CoreV1.ReplaceNamespacedServiceAsync(bridge, "kagent-hub", "kagent-system");

        // Patched, not replaced: the hub writes caBundle into both at the same time.
        await client.ApiregistrationV1.PatchAPIServiceAsync(
            new V1Patch($"{{\"spec\":{{\"service\":{{\"port\":{port}}}}}}}", V1Patch.PatchType.MergePatch), "v1alpha1.kagent.io");
        var webhooks = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync("kagent-onboarding");
        var ports = string.Join(',', webhooks.Webhooks.Select((_, i) => $"{{\"op\":\"replace\",\"path\":\"/webhooks/{i}/clientConfig/service/port\",\"value\":{port}}}"));
        await client.AdmissionregistrationV1.PatchValidatingWebhookConfigurationAsync(new V1Patch($"[{ports}]", V1Patch.PatchType.JsonPatch), "kagent-onboarding");
    }

    /// <summary>The hub container's arguments, each mounted Secret written to a folder of its own and its mount path mapped there.</summary>
    private static string[] HubArguments(List<JsonObject> host, Dictionary<string, Dictionary<string, string>> secrets, string root, int port)
    {
        var pod = host.Single(o => Kind(o) == "Deployment" && Name(o) == "kagent-hub")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var volumes = pod["volumes"]!.AsArray().ToDictionary(v => Text(v!["name"]), v => Text(v!["secret"]!["secretName"]));
        var mounts = new Dictionary<string, string>();
        foreach (var mount in container["volumeMounts"]!.AsArray())
        {
            var secret = volumes[Text(mount!["name"])];
            var folder = Directory.CreateDirectory(Path.Combine(root, secret)).FullName;
            Assert.True(secrets.ContainsKey(secret), $"the Deployment mounts Secret {secret}, which the install does not explain");
            foreach (var (key, content) in secrets[secret]) File.WriteAllText(Path.Combine(folder, key), content);
            mounts[Text(mount["mountPath"])] = folder;
        }

        var arguments = container["args"]!.AsArray().Select(a => Text(a)).Select(argument =>
        {
            foreach (var (mountPath, folder) in mounts) argument = argument.Replace(mountPath, folder, StringComparison.Ordinal);
            return argument switch
            {
                _ when argument.StartsWith("--secure-port=", StringComparison.Ordinal) => $"--secure-port={port}",
                _ when argument.StartsWith("--metrics-bind-address=", StringComparison.Ordinal) => "--metrics-bind-address=0",
                _ when argument.StartsWith("--health-probe-bind-address=", StringComparison.Ordinal) => "--health-probe-bind-address=0",
                _ => argument,
            };
        });
        return [.. arguments, "--bind-address=127.0.0.1", "--log-format=text"];
    }

    private static async Task<string> RenderAsync(string kustomization)
    {
        var result = await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, ["kustomize", Path.Combine(RepositoryRoot.Find(), kustomization)], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.Output);
        return result.StandardOutput;
    }

    private static async Task DryRunAsync(TestCluster target, string manifests)
    {
        // A dry run creates nothing, so the namespace it would create must exist for what goes into it.
        await target.EnsureNamespaceAsync("kagent-system");
        var result = await KubectlApplyAsync(target, manifests, "--dry-run=server");
        Assert.True(result.ExitCode == 0, $"kubectl apply --dry-run=server to {target.Name} failed:\n{result.Output}");
    }

    private static async Task ApplyAsync(TestCluster target, string manifests)
    {
        var result = await KubectlApplyAsync(target, manifests);
        Assert.True(result.ExitCode == 0, $"kubectl apply to {target.Name} failed:\n{result.Output}");
    }

    private static async Task<ProcessRunner.Result> KubectlApplyAsync(TestCluster target, string manifests, params string[] extra) =>
        await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, ["--kubeconfig", target.AdminKubeconfigPath, "apply", .. extra, "-f", "-"], TimeSpan.FromSeconds(60),
            standardInput: await ManifestTests.ForServerAsync(target, manifests));

    /// <summary>Each YAML document as JSON (scalars as strings).</summary>
    private static List<JsonObject> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize(parser) is { } document) objects.Add(JsonNode.Parse(json.Serialize(document))!.AsObject());
        }

        return objects;
    }

    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";

    private static string Kind(JsonObject o) => Text(o["kind"]);

    private static string Name(JsonObject o) => Text(o["metadata"]!["name"]);

    private static string Namespace(JsonObject o) => Text(o["metadata"]!["namespace"]);

    private static string Describe(JsonObject o) => $"{Kind(o)} {Name(o)}";
}
