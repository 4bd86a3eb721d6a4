using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.LeaderElection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kagent.Operator.Hosting;

/// <summary>Runs every registered controller, behind leader election when it is on.</summary>
public sealed class OperatorHost(IServiceProvider services, OperatorOptions options, IEnumerable<IControllerRunner> controllers, ILogger<OperatorHost> logger)
    : BackgroundService
{
    private LeaderGate? _gate;

    public bool IsLeader => _gate?.IsLeader ?? false;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runners = controllers.ToList();
        if (runners.Count == 0) return;

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
            logger.LogError(e, "Controller {Controller} stopped unexpectedly", runner.Name);
            throw;
        }
    }
}
