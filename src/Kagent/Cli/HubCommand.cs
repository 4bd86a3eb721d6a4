using System.CommandLine;
using Kagent.Configuration;

namespace Kagent.Cli;

/// <summary>`kagent hub`: runs in the Karmada control plane.</summary>
internal sealed class HubCommand
{
    private readonly Option<string> _kubeconfig = Flag.Of("--kubeconfig", "", "Path to the Karmada control plane's kubeconfig; empty means $KUBECONFIG, else in-cluster configuration.");
    private readonly Option<string> _context = Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context.");
    private readonly Option<string> _bindAddress = Flag.Of("--bind-address", "0.0.0.0", "Address the TLS endpoint (admission webhooks) listens on.");
    private readonly Option<int> _securePort = Flag.Of("--secure-port", 8443, "Port of the TLS endpoint (admission webhooks); 0 disables it.");
    private readonly Option<string> _tlsCert = Flag.Of("--tls-cert-file", "", "PEM serving certificate of the TLS endpoint (required unless --secure-port is 0); reloaded when it changes.");
    private readonly Option<string> _tlsKey = Flag.Of("--tls-private-key-file", "", "PEM private key of --tls-cert-file.");
    private readonly CommonFlags _common = new(metricsDefault: ":8080", healthDefault: ":8081");

    public Command Build(Func<HubOptions, CancellationToken, Task<int>> run)
    {
        var command = new Command("hub", "Run in the Karmada control plane: the kagent.io API (onboarding admission, registration controllers, the clusterhealths aggregated API).");
        foreach (var option in new Option[] { _kubeconfig, _context, _bindAddress, _securePort, _tlsCert, _tlsKey }.Concat(_common.All)) command.Add(option);
        command.SetAction((result, ct) => CommandRunner.RunAsync(() => Bind(result), run, ct));
        return command;
    }

    public HubOptions Bind(ParseResult result) => new()
    {
        ControlPlane = new KubeconfigSource(_kubeconfig.Name, Flag.Optional(_kubeconfig, result), Flag.Optional(_context, result)),
        Secure = BindSecure(result),
        Common = _common.Bind(result),
    };

    private SecureServing? BindSecure(ParseResult result)
    {
        var port = result.GetValue(_securePort);
        if (port == 0) return null;
        if (port is < 0 or > 65535) throw new ConfigurationException(_securePort.Name, $"{port} is not a port");
        var address = FlagValues.ParseBindAddress(_bindAddress.Name, $"{result.GetValue(_bindAddress)}:{port}")
                      ?? throw new ConfigurationException(_bindAddress.Name, "must not be 0");
        var certificate = Flag.Required(_tlsCert, result);
        var key = Flag.Required(_tlsKey, result);
        Hosting.CertificateReloader.Load(certificate, key).Dispose();
        return new SecureServing(address, certificate, key);
    }
}
