using Kagent.Operator.Client;
using Kagent.Testing.Servers;

namespace Kagent.Testing.Fixtures;

/// <summary>A real API server playing one role in a fleet: the Karmada control plane or a member cluster.</summary>
public abstract class TestCluster(ApiServer server) : IAsyncDisposable
{
    public ApiServer Server { get; } = server;

    public string Name => Server.Name;

    public KubeClient Admin => Server.Admin;

    /// <summary>Writes the admin kubeconfig into the server's work directory and returns its path.</summary>
    public string AdminKubeconfigPath => Server.WriteKubeconfig("admin.kubeconfig");

    public KubeClient ClientFor(string user, params string[] groups) => Server.ClientFor(user, groups);

    public Task EnsureNamespaceAsync(string name, CancellationToken cancellationToken = default) =>
        Admin.EnsureNamespaceAsync(name, cancellationToken: cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Server.DisposeAsync();
    }

    /// <summary>Starts a server, wraps it, and bootstraps it; on any failure the server is stopped.</summary>
    protected static async Task<T> StartAsync<T>(EnvtestBinaries binaries, ApiServerOptions options, Func<ApiServer, T> wrap,
        Func<T, Task> bootstrap, CancellationToken cancellationToken) where T : TestCluster
    {
        var cluster = wrap(await ApiServer.StartAsync(binaries, options, cancellationToken));
        try
        {
            await bootstrap(cluster);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}
