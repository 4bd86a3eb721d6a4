using Xunit;

namespace Kagent.Testing.Fixtures;

/// <summary>
/// One control plane and two members (member1, member2) shared by every test class in the
/// fleet collection: start-up is paid once per collection. Tests that share it use their own
/// object names; tests that break servers (outages, restarts) start fleets of their own.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private Fleet? _fleet;

    public Fleet Fleet => _fleet ?? throw new InvalidOperationException("fleet not started");

    public ControlPlane ControlPlane => Fleet.ControlPlane;

    public MemberCluster Member1 => Fleet.Member("member1");

    public MemberCluster Member2 => Fleet.Member("member2");

    public async Task InitializeAsync()
    {
        _fleet = await Fleet.StartAsync(TestDirectories.NewRoot("fleet"), ["member1", "member2"]);
    }

    public async Task DisposeAsync()
    {
        if (_fleet is not null) await _fleet.DisposeAsync();
    }
}

/// <summary>The collection name; the test assembly declares the collection itself (xunit looks only there).</summary>
public static class FleetCollection
{
    public const string Name = "fleet";
}

public static class TestDirectories
{
    /// <summary>A fresh folder for one fleet, on tmpfs where there is one (etcd fsyncs are slow on disk).</summary>
    public static string NewRoot(string prefix)
    {
        var root = Environment.GetEnvironmentVariable("KAGENT_TEST_ROOT");
        if (string.IsNullOrEmpty(root))
        {
            root = Directory.Exists("/dev/shm") ? "/dev/shm/kagent-tests" : Path.Combine(Path.GetTempPath(), "kagent-tests");
        }

        var path = Path.Combine(root, $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }
}
