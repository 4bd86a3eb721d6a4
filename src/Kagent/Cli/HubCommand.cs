using System.CommandLine;
using Kagent.Configuration;

namespace Kagent.Cli;

/// <summary>`kagent hub`: runs in the Karmada control plane.</summary>
internal sealed class HubCommand
{
    private readonly Option<string> _kubeconfig = Flag.Of("--kubeconfig", "", "Path to the Karmada control plane's kubeconfig; empty means $KUBECONFIG, else in-cluster configuration.");
    private readonly Option<string> _context = Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context.");
    private readonly CommonFlags _common = new(metricsDefault: ":8080", healthDefault: ":8081");

    public Command Build(Func<HubOptions, CancellationToken, Task<int>> run)
    {
        var command = new Command("hub", "Run in the Karmada control plane: the kagent.io API (onboarding admission, registration controllers, the clusterhealths aggregated API).");
        foreach (var option in new Option[] { _kubeconfig, _context }.Concat(_common.All)) command.Add(option);
        command.SetAction((result, ct) => CommandRunner.RunAsync(() => Bind(result), run, ct));
        return command;
    }

    public HubOptions Bind(ParseResult result) => new()
    {
        ControlPlane = new KubeconfigSource(_kubeconfig.Name, Flag.Optional(_kubeconfig, result), Flag.Optional(_context, result)),
        Common = _common.Bind(result),
    };
}
