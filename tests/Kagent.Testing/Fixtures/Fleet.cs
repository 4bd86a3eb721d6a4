using Kagent.Testing.Servers;

namespace Kagent.Testing.Fixtures;

/// <summary>A control plane and member clusters, started side by side.</summary>
public sealed class Fleet : IAsyncDisposable
{
    private Fleet(string root, ControlPlane controlPlane, IReadOnlyDictionary<string, MemberCluster> members)
    {
        Root = root;
        ControlPlane = controlPlane;
        Members = members;
    }

    public string Root { get; }

    public ControlPlane ControlPlane { get; }

    public IReadOnlyDictionary<string, MemberCluster> Members { get; }

    public MemberCluster Member(string name) => Members[name];

    /// <summary>Starts the control plane ("karmada") and one member per name, all in parallel.</summary>
    /// <param name="auditedControlPlaneUsers">users whose requests the control plane writes to its audit log</param>
    public static async Task<Fleet> StartAsync(string root, IReadOnlyList<string> memberNames, bool detached = false, EnvtestBinaries? binaries = null,
        string? logDirectory = null, IReadOnlyList<string>? auditedControlPlaneUsers = null, CancellationToken cancellationToken = default)
    {
        binaries ??= EnvtestBinaries.Default;
        ApiServerOptions OptionsFor(string name) => new() { Name = name, WorkDirectory = Path.Combine(root, name), Detached = detached, LogDirectory = logDirectory };

        var controlPlaneTask = ControlPlane.StartAsync(binaries, OptionsFor("karmada") with { AuditedUsers = auditedControlPlaneUsers ?? [] }, cancellationToken);
        var memberTasks = memberNames.Select(name => MemberCluster.StartAsync(binaries, OptionsFor(name), cancellationToken)).ToList();
        try
        {
            await Task.WhenAll([controlPlaneTask, .. memberTasks]);
        }
        catch
        {
            foreach (var task in memberTasks.Where(t => t.IsCompletedSuccessfully)) await task.Result.DisposeAsync();
            if (controlPlaneTask.IsCompletedSuccessfully) await controlPlaneTask.Result.DisposeAsync();
            throw;
        }

        var members = memberTasks.Select(t => t.Result).ToDictionary(m => m.Name);
        return new Fleet(root, controlPlaneTask.Result, members);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Members.Values.Select(m => m.DisposeAsync().AsTask()).Append(ControlPlane.DisposeAsync().AsTask()));
    }
}
