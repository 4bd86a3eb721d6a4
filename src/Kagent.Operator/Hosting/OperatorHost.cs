using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Diagnostics;
using Kagent.Operator.LeaderElection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Hosting;

/// <summary>Runs every registered controller, behind leader election when it is on.</summary>
public sealed class OperatorHost(IServiceProvider services, OperatorOptions options, IEnumerable<IControllerRunner> controllers, ILogger<OperatorHost> logger)
    : BackgroundService
{
    public const string MeterName = "Kagent.Operator.LeaderElection";

    /// <summary>The tag names of the leader gauge (see OperatorInstruments.TagNames).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> TagNames = new Dictionary<string, string[]> { ["leader_election_master_status"] = ["name"] };

    private readonly System.Diagnostics.Metrics.Meter _meter = new(MeterName);
    private LeaderGate? _gate;

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    public bool IsLeader => _gate?.IsLeader ?? false;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runners = controllers.ToList();
        if (runners.Count == 0) return;

        // controller-runtime's gauge: 1 while this replica leads (or runs without leader election), else 0.
        _meter.CreateObservableGauge("leader_election_master_status", () => new System.Diagnostics.Metrics.Measurement<long>(IsLeader ? 1 : 0,
            new KeyValuePair<string, object?>("name", options.LeaderElection?.LeaseName ?? options.Name)), description: "1 while this replica is the leader of the named lease, else 0.");

        var election = options.LeaderElection ?? new OperatorLeaderElectionOptions { Enabled = false, LeaseName = options.Name, LeaseNamespace = "default" };
        var client = services.GetRequiredKeyedService<KubeClient>(options.DefaultClientName);
        _gate = new LeaderGate(client, election, logger);
        await _gate.RunAsync(ct => Task.WhenAll(runners.Select(r => RunControllerAsync(r, ct))), stoppingToken);
    }

    private async Task RunControllerAsync(IControllerRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.ControllerCrashed(e, runner.Name);
            throw;
        }
    }
}
