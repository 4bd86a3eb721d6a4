using System.CommandLine;
using Kagent.Api.Karmada;
using Kagent.Configuration;
using Kagent.Join;

namespace Kagent.Cli;

/// <summary>`kagent join`: run against a member, joins it to the control plane with a bootstrap token (karmadactl register's flags).</summary>
internal static class JoinCommand
{
    private static readonly JoinOptions Defaults = new()
    {
        Server = "", Token = new BootstrapToken("", ""), CaPins = [], ClusterName = "", Member = new KubeconfigSource("--kubeconfig", null, null),
    };

    public static Command Build()
    {
        var address = new Argument<string>("control-plane-address") { Description = "karmada-apiserver's address, host:port, as kagent token create printed it." };
        var token = Flag.Of("--token", "", "Bootstrap token (id.secret) from kagent token create or karmadactl token create (required).");
        var pins = Flag.Of("--discovery-token-ca-cert-hash", "", "Comma-separated pins (sha256:<hex>) of the control plane's CA, as kagent token create printed them (required).");
        var skipCa = Flag.Of("--discovery-token-unsafe-skip-ca-verification", false, "Join without checking the control plane's CA against a pin; anyone between the member and the address could then pose as the control plane.");
        var clusterName = Flag.Of("--cluster-name", "", "Name of the member in the control plane (required; a DNS-1123 label of at most 48 characters).");
        var kubeconfig = Flag.Of("--kubeconfig", "", "Path to the member's kubeconfig (it writes the agent's kubeconfig Secret); empty means $KUBECONFIG, else in-cluster configuration.");
        var context = Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context.");
        var ns = Flag.Of("--namespace", Defaults.Namespace, "The agent's namespace in the member; it must exist (config/agent makes it).");
        var secret = Flag.Of("--karmada-kubeconfig-secret", Defaults.SecretName, "Secret, in --namespace, the agent's control-plane kubeconfig is written to (key karmada.kubeconfig, as config/agent mounts it).");
        var discoveryTimeout = Flag.Of("--discovery-timeout", Defaults.DiscoveryTimeout, "How long to wait for the control plane and the token's signature in kube-public/cluster-info.");
        var approvalTimeout = Flag.Of("--approval-timeout", Defaults.ApprovalTimeout, "How long to wait for the agent's certificate request to be approved and signed.");
        var expiration = Flag.Of("--cert-expiration-seconds", Defaults.CertificateExpirationSeconds, "Lifetime asked for the agent's certificate; the signer may shorten it, and the agent renews it before it ends.");
        var endpoint = Flag.Of("--cluster-api-endpoint", "", "API endpoint of the member (absolute https URL), for its ClusterRegistration.");
        var provider = Flag.Of("--cluster-provider", "", "Cloud provider of the member, for its ClusterRegistration.");
        var region = Flag.Of("--cluster-region", "", "Region of the member, for its ClusterRegistration.");
        var zones = Flag.Of("--cluster-zones", "", "Comma-separated zones of the member, for its ClusterRegistration.");
        var labels = Flag.Of("--cluster-labels", "", "Comma-separated key=value labels, for its ClusterRegistration (OnboardingPolicies may require some).");
        var print = Flag.Of("--print-agent-manifests", false, "Once joined, print the agent's manifests for this cluster (config/agent with --cluster-name and --cluster-api-endpoint set) on standard output, the progress on standard error: kagent join ... --print-agent-manifests | kubectl apply -f -.");
        var command = new Command("join", "Join a member cluster to the control plane with a bootstrap token: verify the control plane's CA, ask for the cluster's ClusterRegistration, obtain the agent's client certificate (system:karmada:agent:<cluster>) by a CertificateSigningRequest, and write the agent's kubeconfig Secret in the member.")
        {
            address, token, pins, skipCa, clusterName, kubeconfig, context, ns, secret, discoveryTimeout, approvalTimeout, expiration, endpoint, provider, region, zones, labels, print,
        };
        command.SetAction((result, ct) => CommandRunner.RunStepsAsync(() =>
        {
            var name = Flag.Required(clusterName, result);
            if (FlagValues.Dns1123LabelProblem(name, KarmadaConstants.MaxClusterNameLength) is { } nameProblem) throw new ConfigurationException(clusterName.Name, nameProblem);
            if (!BootstrapToken.TryParse(Flag.Required(token, result), out var parsed))
                throw new ConfigurationException(token.Name, "is not a bootstrap token (6 and 16 lower-case letters or digits: abcdef.0123456789abcdef)");
            var pinList = FlagValues.ParseList(pins.Name, result.GetValue(pins)).Select(p => CaPin.TryParse(p, out var pin) ? pin
                : throw new ConfigurationException(pins.Name, $"'{p}' is not a pin such as sha256:<64 hex digits>")).ToList();
            if (pinList.Count == 0 && !result.GetValue(skipCa))
                throw new ConfigurationException(pins.Name, "is required (kagent token create prints it); --discovery-token-unsafe-skip-ca-verification joins without it");
            var server = result.GetValue(address)?.Trim() ?? "";
            if (server.Length == 0) throw new ConfigurationException("control-plane-address", "is required (host:port)");
            if (!server.Contains("://", StringComparison.Ordinal)) server = "https://" + server;
            if (FlagValues.ParseHttpsUrl("control-plane-address", server) is null) throw new ConfigurationException("control-plane-address", "is required (host:port)");
            var seconds = result.GetValue(expiration);
            if (seconds < 600) throw new ConfigurationException(expiration.Name, "must be at least 600 (Kubernetes' minimum)");
            return Defaults with
            {
                Server = server.TrimEnd('/'),
                Token = parsed,
                CaPins = pinList,
                ClusterName = name,
                Member = new KubeconfigSource(kubeconfig.Name, Flag.Optional(kubeconfig, result), Flag.Optional(context, result)),
                Namespace = Flag.Required(ns, result),
                SecretName = Flag.Required(secret, result),
                DiscoveryTimeout = FlagValues.ParseDuration(discoveryTimeout.Name, result.GetValue(discoveryTimeout), allowZero: false),
                ApprovalTimeout = FlagValues.ParseDuration(approvalTimeout.Name, result.GetValue(approvalTimeout), allowZero: false),
                CertificateExpirationSeconds = seconds,
                ApiEndpoint = FlagValues.ParseHttpsUrl(endpoint.Name, result.GetValue(endpoint)),
                Provider = Flag.Optional(provider, result),
                Region = Flag.Optional(region, result),
                Zones = FlagValues.ParseList(zones.Name, result.GetValue(zones)),
                Labels = FlagValues.ParseLabels(labels.Name, result.GetValue(labels)),
                PrintAgentManifests = result.GetValue(print),
            };
        }, (options, token) => new Joiner(options.PrintAgentManifests ? Console.Error : Console.Out, Console.Out, TimeProvider.System).RunAsync(options, token), ct));
        return command;
    }
}
