using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using Kagent.Configuration;
using Kagent.Hosting;
using Kagent.Observability;

namespace Kagent.Kube;

/// <summary>
/// Picks up rotated credentials without a restart: every interval, each connection's kubeconfig file (a mounted
/// Secret is replaced in place when someone rotates it) is read again, and when its client certificate or token
/// changed, the connection switches to them (<see cref="Operator.Client.ClientTransport"/>). A file that no longer
/// loads, or that names another server, is reported and left unused. Exports each client certificate's remaining
/// lifetime (kagent_client_certificate_expiration_seconds) and warns a day before it ends.
/// </summary>
public sealed class CredentialReload : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarnBefore = TimeSpan.FromDays(1);

    private readonly IReadOnlyList<ClusterConnection> _connections;
    private readonly TimeProvider _time;
    private readonly ILogger<CredentialReload> _logger;
    private readonly Dictionary<string, byte[]> _read = [];
    private readonly HashSet<string> _warned = [];

    public CredentialReload(IEnumerable<ClusterConnection> connections, KagentMetrics metrics, TimeProvider time, ILogger<CredentialReload> logger)
    {
        _connections = connections.ToList();
        _time = time;
        _logger = logger;
        metrics.ObservableGauge("kagent_client_certificate_expiration_seconds",
            "Seconds until the client certificate this process presents to the named API server expires (negative once expired).",
            Remaining, "cluster");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reloadable = _connections.Where(c => c.Source is not null).ToList();
        foreach (var connection in reloadable) _read[connection.Name] = ReadOrEmpty(connection.Source!);
        using var timer = new PeriodicTimer(Interval, _time);
        do
        {
            foreach (var connection in reloadable) Reload(connection);
            foreach (var connection in _connections) CheckExpiry(connection);
        }
        while (await timer.NextTickOrStopAsync(stoppingToken));
    }

    private void Reload(ClusterConnection connection)
    {
        var source = connection.Source!;
        var content = ReadOrEmpty(source);
        if (content.Length == 0 || content.AsSpan().SequenceEqual(_read[connection.Name])) return;
        _read[connection.Name] = content;
        try
        {
            var config = KubeconfigLoader.Load(source);
            if (!SameServer(config.Host, connection.Host))
            {
                _logger.CredentialsNotReloaded(connection.Name, $"it names the server {config.Host}, not {connection.Host}; restart to use another server");
                return;
            }

            if (connection.Client.UseCredentials(config))
                _logger.CredentialsReloaded(connection.Name, KubeconfigLoader.PathOf(source)!, Describe(connection.Client.ClientCertificate), Operator.Client.ClientTransport.Grace);
        }
        catch (ConfigurationException e)
        {
            _logger.CredentialsNotReloaded(connection.Name, e.Message);
        }
    }

    private void CheckExpiry(ClusterConnection connection)
    {
        if (connection.Client.ClientCertificate is not { } certificate) return;
        var notAfter = certificate.NotAfter.ToUniversalTime();
        var left = notAfter - _time.GetUtcNow().UtcDateTime;
        var key = $"{connection.Name}/{certificate.Thumbprint}/{(left <= TimeSpan.Zero ? "expired" : "expiring")}";
        if (left > WarnBefore || !_warned.Add(key)) return;
        var path = connection.Source is { } source ? KubeconfigLoader.PathOf(source) ?? "in-cluster" : "in-cluster";
        if (left <= TimeSpan.Zero) _logger.ClientCertificateExpired(connection.Name, certificate.Subject, notAfter, path);
        else _logger.ClientCertificateExpiring(connection.Name, certificate.Subject, notAfter, path);
    }

    private IEnumerable<Measurement<double>> Remaining()
    {
        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var connection in _connections)
        {
            if (connection.Client.ClientCertificate is { } certificate)
                yield return new Measurement<double>((certificate.NotAfter.ToUniversalTime() - now).TotalSeconds, new KeyValuePair<string, object?>("cluster", connection.Name));
        }
    }

    /// <summary>The file's bytes; empty while it cannot be read (a Secret volume is swapped atomically, so rarely).</summary>
    private static byte[] ReadOrEmpty(KubeconfigSource source)
    {
        try
        {
            return KubeconfigLoader.PathOf(source) is { } path ? File.ReadAllBytes(path) : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static bool SameServer(string? a, string b) => Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y) && x == y;

    /// <summary>What the connection now presents, without anything secret.</summary>
    private static string Describe(X509Certificate2? certificate) =>
        certificate is null ? "a bearer token" : $"client certificate {certificate.Subject}, serial {certificate.SerialNumber}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}";
}
