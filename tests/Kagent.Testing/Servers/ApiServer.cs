using System.Net;
using System.Security.Cryptography;
using k8s;
using Kagent.Operator.Client;
using Kagent.Testing.Pki;

namespace Kagent.Testing.Servers;

public sealed record ApiServerOptions
{
    /// <summary>A DNS-1123 name; used in kubeconfigs and log file names.</summary>
    public required string Name { get; init; }

    /// <summary>Where certificates, etcd data, logs and kubeconfigs go.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>Run in their own session so that they outlive this process (the local fleet).</summary>
    public bool Detached { get; init; }

    public long EtcdQuotaBytes { get; init; } = 2L << 30;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public IReadOnlyList<string> ExtraApiServerArguments { get; init; } = [];

    /// <summary>Where etcd.log and kube-apiserver.log go (prefixed with the name); the work directory by default.</summary>
    public string? LogDirectory { get; init; }

    /// <summary>Users whose every request kube-apiserver writes to its audit log (<see cref="ApiServer.AuditLogPath"/>).</summary>
    public IReadOnlyList<string> AuditedUsers { get; init; } = [];
}

/// <summary>
/// A real kube-apiserver with its own etcd on loopback ports, with generated certificates: serving, client CA
/// (any identity can be minted as a client certificate), a static admin token, a service-account key pair and
/// the front-proxy (request-header) CA and client certificate that aggregated API servers authenticate.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    public const string AdminUser = "kagent-admin";

    private readonly ApiServerOptions _options;
    private readonly EnvtestBinaries _binaries;
    private readonly string _adminToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    private ServerProcess? _etcd;
    private ServerProcess? _apiServer;
    private KubeClient? _admin;

    private ApiServer(EnvtestBinaries binaries, ApiServerOptions options)
    {
        _binaries = binaries;
        _options = options;
        Directory.CreateDirectory(options.WorkDirectory);
        if (options.LogDirectory is not null) Directory.CreateDirectory(options.LogDirectory);
        ServingCa = CertificateAuthority.Create($"{options.Name}-ca");
        ClientCa = CertificateAuthority.Create($"{options.Name}-client-ca");
        FrontProxyCa = CertificateAuthority.Create($"{options.Name}-front-proxy-ca");
        FrontProxyClient = FrontProxyCa.IssueClient(FrontProxyClientName, []);
        EtcdPort = FreePort.Next();
        EtcdPeerPort = FreePort.Next();
        Port = FreePort.Next();
    }

    public const string FrontProxyClientName = "front-proxy-client";

    public string Name => _options.Name;

    public int Port { get; }

    public int EtcdPort { get; }

    public int EtcdPeerPort { get; }

    public string Url => $"https://127.0.0.1:{Port}";

    public string WorkDirectory => _options.WorkDirectory;

    public CertificateAuthority ServingCa { get; }

    public CertificateAuthority ClientCa { get; }

    public CertificateAuthority FrontProxyCa { get; }

    public PemPair FrontProxyClient { get; }

    public IReadOnlyList<int> Pids => new[] { _etcd, _apiServer }.Where(p => p is { HasExited: false }).Select(p => p!.Pid).ToList();

    public string ApiServerLog => LogPath("kube-apiserver.log");

    private string LogPath(string file) =>
        _options.LogDirectory is { } dir ? Path.Combine(dir, $"{Name}-{file}") : Path.Combine(WorkDirectory, file);

    /// <summary>A client with the admin identity (group system:masters).</summary>
    public KubeClient Admin => _admin ??= CreateClient(AdminUser, new Credentials.Token(_adminToken));

    public static async Task<ApiServer> StartAsync(EnvtestBinaries binaries, ApiServerOptions options, CancellationToken cancellationToken = default)
    {
        var server = new ApiServer(binaries, options);
        try
        {
            server.WriteFiles();
            server.StartEtcd();
            await server.StartApiServerAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kubeconfig text for the admin identity (a static token).</summary>
    public string AdminKubeconfig() => Kubeconfig.Render(Name, Url, ServingCa.CertificatePem, AdminUser, new Credentials.Token(_adminToken));

    /// <summary>An admin client that reaches the server through another address, such as a fault-injecting proxy.</summary>
    /// <summary>The admin kubeconfig, but reaching the server through a proxy at <paramref name="url"/>.</summary>
    public string AdminKubeconfigVia(string url) => Kubeconfig.Render(Name, url, ServingCa.CertificatePem, AdminUser, new Credentials.Token(_adminToken));

    public KubeClient AdminVia(string url) => CreateClient(AdminUser, new Credentials.Token(_adminToken), url);

    /// <summary>Kubeconfig text for any identity, as a client certificate signed by the client CA.</summary>
    public string KubeconfigFor(string user, params string[] groups)
    {
        var pair = ClientCa.IssueClient(user, groups);
        return Kubeconfig.Render(Name, Url, ServingCa.CertificatePem, user, new Credentials.ClientCertificate(pair.CertificatePem, pair.KeyPem));
    }

    /// <summary>Writes a kubeconfig for the identity into the work directory and returns its path.</summary>
    public string WriteKubeconfig(string fileName, string? user = null, params string[] groups)
    {
        var path = Path.Combine(WorkDirectory, fileName);
        File.WriteAllText(path, user is null ? AdminKubeconfig() : KubeconfigFor(user, groups));
        return path;
    }

    /// <summary>A client for any identity (user from CN, groups from O of a client certificate).</summary>
    public KubeClient ClientFor(string user, params string[] groups)
    {
        var pair = ClientCa.IssueClient(user, groups);
        return CreateClient(user, new Credentials.ClientCertificate(pair.CertificatePem, pair.KeyPem));
    }

    /// <summary>
    /// Makes kube-apiserver trust client certificates of its own client CA and of <paramref name="extraCaPems"/> (none:
    /// its own only). kube-apiserver reloads --client-ca-file when it changes; the caller waits for the effect.
    /// </summary>
    public void TrustClientCas(params string[] extraCaPems)
    {
        var next = FilePath("client-ca.crt.next");
        File.WriteAllText(next, string.Concat(extraCaPems.Prepend(ClientCa.CertificatePem).Select(p => p.TrimEnd() + "\n")));
        File.Move(next, FilePath("client-ca.crt"), overwrite: true);
    }

    /// <summary>A client that presents <paramref name="certificate"/>, issued by whichever CA.</summary>
    public KubeClient ClientWithCertificate(PemPair certificate) =>
        CreateClient("certificate", new Credentials.ClientCertificate(certificate.CertificatePem, certificate.KeyPem));

    /// <summary>A client that authenticates with a bearer token (a bootstrap token, say).</summary>
    public KubeClient ClientWithToken(string token) => CreateClient("token", new Credentials.Token(token));

    /// <summary>Stops kube-apiserver only, keeping etcd and the data (an outage of the API server).</summary>
    public async Task StopApiServerAsync()
    {
        if (_apiServer is null) return;
        await _apiServer.StopAsync(TimeSpan.FromSeconds(10));
        _apiServer.Dispose();
        _apiServer = null;
    }

    /// <summary>
    /// Kills etcd (as a crash would) and starts it again on the same ports and data; done when kube-apiserver, which
    /// kept running, answers /readyz again.
    /// </summary>
    public async Task RestartEtcdAsync(CancellationToken cancellationToken = default)
    {
        _etcd?.Kill();
        _etcd?.Dispose();
        StartEtcd();
        await WaitReadyAsync(cancellationToken);
    }

    /// <summary>Kills etcd only: kube-apiserver keeps answering, and its /readyz and /livez report the etcd check failing.</summary>
    public void KillEtcd()
    {
        _etcd?.Kill();
        _etcd?.Dispose();
        _etcd = null;
    }

    /// <summary>Starts etcd again after <see cref="KillEtcd"/>; done when kube-apiserver answers /readyz again.</summary>
    public async Task StartEtcdAgainAsync(CancellationToken cancellationToken = default)
    {
        StartEtcd();
        await WaitReadyAsync(cancellationToken);
    }

    /// <summary>Starts kube-apiserver again on the same port, with the same certificates and data.</summary>
    public Task RestartApiServerAsync(CancellationToken cancellationToken = default) => StartApiServerAsync(cancellationToken);

    /// <summary>
    /// Starts kube-controller-manager's CSR signer with this server's client CA, as a real control plane runs it: an
    /// approved CertificateSigningRequest for kubernetes.io/kube-apiserver-client gets a certificate this server
    /// accepts. The caller stops it.
    /// </summary>
    public ServerProcess StartCertificateSigner(string signingDuration = "8760h") => StartControllerManager(["csrsigning"], signingDuration);

    /// <summary>
    /// Starts kube-controller-manager with <paramref name="controllers"/> (csrsigning signs with this server's client
    /// CA; bootstrapsigner signs kube-public/cluster-info for each bootstrap token; tokencleaner removes expired
    /// tokens). The caller stops it (a detached server's outlives this process, as the server does).
    /// </summary>
    public ServerProcess StartControllerManager(IReadOnlyList<string> controllers, string signingDuration = "8760h")
    {
        File.WriteAllText(FilePath("controller-manager.kubeconfig"), AdminKubeconfig());
        // The signer's own copy: client-ca.crt is the trust bundle, which a test may widen (TrustClientCas).
        ClientCa.Pem.WriteTo(FilePath("signer-ca.crt"), FilePath("signer-ca.key"));
        return ServerProcess.Start($"{Name}-kube-controller-manager", _binaries.KubeControllerManager,
        [
            "--kubeconfig", FilePath("controller-manager.kubeconfig"),
            "--controllers", string.Join(',', controllers),
            "--cluster-signing-cert-file", FilePath("signer-ca.crt"),
            "--cluster-signing-key-file", FilePath("signer-ca.key"),
            "--cluster-signing-duration", signingDuration,
            "--leader-elect=false", "--port", "0", "--secure-port", "0",
        ], LogPath("kube-controller-manager.log"), _options.Detached);
    }

    public async ValueTask DisposeAsync()
    {
        _admin?.Dispose();
        if (_options.Detached) return;
        await StopApiServerAsync();
        _etcd?.Dispose();
        _etcd = null;
        TryDeleteDirectory(Path.Combine(WorkDirectory, "etcd"));
    }

    private string FilePath(string name) => Path.Combine(WorkDirectory, name);

    private void WriteFiles()
    {
        ServingCa.Pem.WriteTo(FilePath("ca.crt"), FilePath("ca.key"));
        ServingCa.IssueServing("kube-apiserver", ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"], [IPAddress.Loopback, IPAddress.Parse("10.0.0.1")])
            .WriteTo(FilePath("apiserver.crt"), FilePath("apiserver.key"));
        ClientCa.Pem.WriteTo(FilePath("client-ca.crt"), FilePath("client-ca.key"));
        FrontProxyCa.Pem.WriteTo(FilePath("front-proxy-ca.crt"), FilePath("front-proxy-ca.key"));
        FrontProxyClient.WriteTo(FilePath("front-proxy-client.crt"), FilePath("front-proxy-client.key"));
        using var serviceAccountKey = RSA.Create(2048);
        File.WriteAllText(FilePath("sa.key"), serviceAccountKey.ExportRSAPrivateKeyPem());
        File.WriteAllText(FilePath("sa.pub"), serviceAccountKey.ExportSubjectPublicKeyInfoPem());
        File.WriteAllText(FilePath("tokens.csv"), $"{_adminToken},{AdminUser},{AdminUser},\"system:masters\"\n");
    }

    private void StartEtcd()
    {
        var dataDir = FilePath("etcd");
        Directory.CreateDirectory(dataDir);
        _etcd = ServerProcess.Start($"{Name}-etcd", _binaries.Etcd,
        [
            "--name", Name,
            "--data-dir", dataDir,
            "--listen-client-urls", $"http://127.0.0.1:{EtcdPort}",
            "--advertise-client-urls", $"http://127.0.0.1:{EtcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{EtcdPeerPort}",
            "--initial-advertise-peer-urls", $"http://127.0.0.1:{EtcdPeerPort}",
            "--initial-cluster", $"{Name}=http://127.0.0.1:{EtcdPeerPort}",
            "--quota-backend-bytes", _options.EtcdQuotaBytes.ToString(),
            "--log-level", "warn",
        ], LogPath("etcd.log"), _options.Detached);
    }

    private async Task StartApiServerAsync(CancellationToken cancellationToken)
    {
        _apiServer = ServerProcess.Start($"{Name}-kube-apiserver", _binaries.KubeApiServer,
        [
            "--etcd-servers", $"http://127.0.0.1:{EtcdPort}",
            "--secure-port", Port.ToString(),
            "--bind-address", "127.0.0.1",
            "--advertise-address", "127.0.0.1",
            "--tls-cert-file", FilePath("apiserver.crt"),
            "--tls-private-key-file", FilePath("apiserver.key"),
            "--client-ca-file", FilePath("client-ca.crt"),
            "--token-auth-file", FilePath("tokens.csv"),
            "--service-account-issuer", "https://kubernetes.default.svc",
            "--service-account-key-file", FilePath("sa.pub"),
            "--service-account-signing-key-file", FilePath("sa.key"),
            "--authorization-mode", "RBAC",
            "--service-cluster-ip-range", "10.0.0.0/24",
            "--disable-admission-plugins", "ServiceAccount",
            "--requestheader-client-ca-file", FilePath("front-proxy-ca.crt"),
            "--requestheader-allowed-names", FrontProxyClientName,
            "--requestheader-username-headers", "X-Remote-User",
            "--requestheader-group-headers", "X-Remote-Group",
            "--requestheader-extra-headers-prefix", "X-Remote-Extra-",
            "--proxy-client-cert-file", FilePath("front-proxy-client.crt"),
            "--proxy-client-key-file", FilePath("front-proxy-client.key"),
            "--enable-aggregator-routing=false",
            "--v", "1",
            .. AuditArguments(),
            .. _options.ExtraApiServerArguments,
        ], ApiServerLog, _options.Detached);
        await WaitReadyAsync(cancellationToken);
    }

    /// <summary>The audit log of the users in <see cref="ApiServerOptions.AuditedUsers"/>: one JSON event per line.</summary>
    public string AuditLogPath => FilePath("audit.log");

    private string[] AuditArguments()
    {
        if (_options.AuditedUsers.Count == 0) return [];
        var users = string.Join(", ", _options.AuditedUsers.Select(u => $"\"{u}\""));
        File.WriteAllText(FilePath("audit-policy.yaml"), $"""
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
            - level: Metadata
              users: [{users}]
            - level: None

            """);
        return ["--audit-policy-file", FilePath("audit-policy.yaml"), "--audit-log-path", AuditLogPath, "--audit-log-format", "json"];
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(TrustingHandler()) { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _adminToken);
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_apiServer!.HasExited || _etcd!.HasExited)
            {
                var failed = _apiServer.HasExited ? _apiServer : _etcd!;
                throw new InvalidOperationException($"{failed.Name} exited during start-up; log tail:\n{failed.LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync($"{Url}/readyz", cancellationToken);
                if (response.IsSuccessStatusCode) return;
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timeout";
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"{Name} kube-apiserver not ready after {_options.StartTimeout} ({last}); log tail:\n{_apiServer!.LogTail()}");
    }

    /// <summary>A raw HTTP client with the admin token, for bulk loads (benchmarks) that the typed client would slow down.</summary>
    public HttpClient AdminHttpClient(int maxConnections = 16)
    {
        var handler = TrustingHandler();
        handler.MaxConnectionsPerServer = maxConnections;
        var http = new HttpClient(handler) { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", _adminToken);
        return http;
    }

    /// <summary>An HTTP handler that reaches this server as an identity, by client certificate.</summary>
    public SocketsHttpHandler HandlerFor(string user, params string[] groups) =>
        TrustedHandler.For(ServingCa.Certificate, ClientCa.IssueClient(user, groups).ToClientCertificate());

    /// <summary>An HTTP handler that trusts exactly this server's serving CA.</summary>
    public SocketsHttpHandler TrustingHandler() => TrustedHandler.For(ServingCa.Certificate);

    private KubeClient CreateClient(string user, Credentials credentials, string? url = null)
    {
        var text = Kubeconfig.Render(Name, url ?? Url, ServingCa.CertificatePem, user, credentials);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return new KubeClient(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
