using System.CommandLine;
using Kagent.Aggregation.Security;
using Kagent.Configuration;

namespace Kagent.Cli;

/// <summary>`kagent hub`: runs in the Karmada control plane.</summary>
internal sealed class HubCommand
{
    /// <summary>The self-signed certificate options' defaults, which the flags show.</summary>
    private static readonly Hub.Certificates.SelfSignedCertificateOptions SelfSigned = new();

    private static readonly Inventory.ClusterProfileOptions ProfileDefaults = new();

    private readonly Option<string> _karmadaKubeconfig = Flag.Of("--karmada-kubeconfig", "", "Path to karmada-apiserver's kubeconfig (in a host-cluster install, the mounted Secret kagent-hub-config); empty means --kubeconfig.");
    private readonly Option<string> _karmadaContext = Flag.Of("--karmada-context", "", "Context in --karmada-kubeconfig; empty means its current context.");
    private readonly Option<string> _kubeconfig = Flag.Of("--kubeconfig", "", "Path to the kubeconfig of the cluster the hub runs in, used for karmada-apiserver when --karmada-kubeconfig is empty (the hub and the control plane in one cluster); empty means $KUBECONFIG, else in-cluster configuration.");
    private readonly Option<string> _context = Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context.");
    private readonly Option<string> _bindAddress = Flag.Of("--bind-address", HubOptions.DefaultBindAddress, "Address the TLS endpoint (admission webhooks and the clusterhealths aggregated API) listens on.");
    private readonly Option<int> _securePort = Flag.Of("--secure-port", HubOptions.DefaultSecurePort, "Port of the TLS endpoint (admission webhooks and the clusterhealths aggregated API); 0 disables both.");
    private readonly Option<string> _tlsCert = Flag.Of("--tls-cert-file", "", "PEM serving certificate of the TLS endpoint (required unless --secure-port is 0 or --self-signed-certs); reloaded when it changes.");
    private readonly Option<string> _tlsKey = Flag.Of("--tls-private-key-file", "", "PEM private key of --tls-cert-file.");
    private readonly Option<string> _caBundleFile = Flag.Of("--ca-bundle-file", "", "PEM CA bundle that verifies --tls-cert-file (cert-manager's ca.crt); the hub writes it into the onboarding webhook configuration and the APIService and follows its changes. For a hub outside karmada-apiserver's cluster, where no CA injector reaches. Only with --tls-cert-file.");
    private readonly Option<bool> _selfSigned = Flag.Of("--self-signed-certs", false, "Without certificate files or cert-manager: keep a CA and serving certificate in --self-signed-certs-secret, renew them before expiry, and inject the CA into the onboarding webhook configuration and the APIService.");
    private readonly Option<string> _selfSignedSecret = Flag.Of("--self-signed-certs-secret", $"{SelfSigned.SecretNamespace}/{SelfSigned.SecretName}", "namespace/name of the Secret that holds the self-signed CA and serving certificate.");
    private readonly Option<string> _selfSignedService = Flag.Of("--self-signed-certs-service", $"{SelfSigned.ServiceNamespace}/{SelfSigned.ServiceName}", "namespace/name of the Service kube-apiserver reaches the hub through; its DNS names go into the certificate.");
    private readonly Option<string> _selfSignedHosts = Flag.Of("--self-signed-certs-hosts", "", "Comma-separated extra DNS names or IP addresses for the self-signed serving certificate.");
    private readonly Option<string> _selfSignedValidity = Flag.Of("--self-signed-certs-validity", SelfSigned.Validity, "Lifetime of a self-signed serving certificate (renewed with a third left); the CA lives ten times as long.");
    private readonly Option<string> _requestHeaderCa = Flag.Of("--requestheader-client-ca-file", "", "PEM CA bundle that verifies the front proxy's client certificate; empty means read kube-system/extension-apiserver-authentication (and follow its changes).");
    private readonly Option<string> _requestHeaderNames = Flag.Of("--requestheader-allowed-names", "", "Comma-separated common names the front proxy's client certificate may have; empty allows any name signed by the CA. Only with --requestheader-client-ca-file.");
    private readonly Option<string> _requestHeaderUsers = Flag.Of("--requestheader-username-headers", string.Join(',', RequestHeaderSettings.DefaultUsernameHeaders), "Comma-separated headers that carry the user name. Only with --requestheader-client-ca-file.");
    private readonly Option<string> _requestHeaderGroups = Flag.Of("--requestheader-group-headers", string.Join(',', RequestHeaderSettings.DefaultGroupHeaders), "Comma-separated headers that carry the groups. Only with --requestheader-client-ca-file.");
    private readonly Option<string> _requestHeaderExtra = Flag.Of("--requestheader-extra-headers-prefix", string.Join(',', RequestHeaderSettings.DefaultExtraHeaderPrefixes), "Comma-separated header prefixes of extra user attributes. Only with --requestheader-client-ca-file.");
    private readonly Option<string> _profileNamespace = Flag.Of("--cluster-profile-namespace", ProfileDefaults.Namespace!, "Namespace in karmada-apiserver where a SIG-Multicluster ClusterProfile is published for every Karmada Cluster (the inventory multicluster tools read); empty turns publishing off. The hub needs RBAC there (config/rbac grants kagent-system).");
    private readonly Option<string> _clusterManager = Flag.Of("--cluster-manager-name", ProfileDefaults.ClusterManager, "spec.clusterManager.name and x-k8s.io/cluster-manager label of the published ClusterProfiles; a profile of another manager is left alone.");
    private readonly Option<string> _observationInterval = Flag.Of("--availability-observation-interval", new Aggregation.Availability.AvailabilityOptions().ObservationInterval, "How often the leading hub renews the Lease kagent-hub-availability (in --leader-elect-resource-namespace) while it records clusters' availability; when nobody renewed it for three intervals, the time since is recorded as unobserved.");
    private readonly CommonFlags _common = new(HubOptions.DefaultMetricsBindAddress, HubOptions.DefaultHealthProbeBindAddress);

    public Command Build(Func<HubOptions, CancellationToken, Task<int>> run)
    {
        var command = new Command("hub", "Run in the Karmada control plane: the kagent.io API (onboarding admission, registration controllers, the clusterhealths aggregated API).");
        foreach (var option in new Option[] { _karmadaKubeconfig, _karmadaContext, _kubeconfig, _context, _bindAddress, _securePort, _tlsCert, _tlsKey, _caBundleFile, _selfSigned, _selfSignedSecret, _selfSignedService, _selfSignedHosts, _selfSignedValidity, _requestHeaderCa, _requestHeaderNames, _requestHeaderUsers, _requestHeaderGroups, _requestHeaderExtra, _profileNamespace, _clusterManager, _observationInterval }.Concat(_common.All)) command.Add(option);
        command.SetAction((result, ct) => CommandRunner.RunAsync(() => Bind(result), run, ct));
        return command;
    }

    public HubOptions Bind(ParseResult result)
    {
        var common = _common.Bind(result);
        return new HubOptions
        {
            ControlPlane = BindControlPlane(result),
            Secure = BindSecure(result),
            Aggregation = new AggregationOptions
            {
                RequestHeader = BindRequestHeader(result),
                Availability = new Aggregation.Availability.AvailabilityOptions
                {
                    ObservationInterval = FlagValues.ParseDuration(_observationInterval.Name, result.GetValue(_observationInterval), allowZero: false),
                    MarkerNamespace = common.LeaderElection.ResourceNamespace,
                },
            },
            ClusterProfiles = BindClusterProfiles(result),
            Common = common,
        };
    }

    private KubeconfigSource BindControlPlane(ParseResult result)
    {
        if (Flag.Optional(_karmadaKubeconfig, result) is { } karmada)
            return new KubeconfigSource(_karmadaKubeconfig.Name, karmada, Flag.Optional(_karmadaContext, result));
        if (Flag.Optional(_karmadaContext, result) is not null)
            throw new ConfigurationException(_karmadaContext.Name, "needs --karmada-kubeconfig; with --kubeconfig use --context");
        return new KubeconfigSource(_kubeconfig.Name, Flag.Optional(_kubeconfig, result), Flag.Optional(_context, result));
    }

    private Inventory.ClusterProfileOptions BindClusterProfiles(ParseResult result)
    {
        var ns = Flag.Optional(_profileNamespace, result);
        if (ns is not null && FlagValues.Dns1123LabelProblem(ns, 63) is { } problem) throw new ConfigurationException(_profileNamespace.Name, $"'{ns}' {problem}");
        var manager = Flag.Required(_clusterManager, result);
        if (Validation.KubeNames.LabelValueProblem(manager) is { } labelProblem) throw new ConfigurationException(_clusterManager.Name, labelProblem);
        return ProfileDefaults with { Namespace = ns, ClusterManager = manager };
    }

    private RequestHeaderSettings? BindRequestHeader(ParseResult result)
    {
        var caFile = Flag.Optional(_requestHeaderCa, result);
        if (caFile is null) return null;
        return new RequestHeaderSettings(ReadPemBundle(_requestHeaderCa, caFile), List(_requestHeaderNames, result), List(_requestHeaderUsers, result), [],
            List(_requestHeaderGroups, result), List(_requestHeaderExtra, result));
    }

    private static IReadOnlyList<string> List(Option<string> option, ParseResult result) =>
        (result.GetValue(option) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private SecureServing? BindSecure(ParseResult result)
    {
        var port = result.GetValue(_securePort);
        if (port == 0) return null;
        if (port is < 0 or > 65535) throw new ConfigurationException(_securePort.Name, $"{port} is not a port");
        var address = FlagValues.ParseBindAddress(_bindAddress.Name, $"{result.GetValue(_bindAddress)}:{port}")
                      ?? throw new ConfigurationException(_bindAddress.Name, "must not be 0");
        if (result.GetValue(_selfSigned))
        {
            if (Flag.Optional(_tlsCert, result) is not null || Flag.Optional(_tlsKey, result) is not null || Flag.Optional(_caBundleFile, result) is not null)
                throw new ConfigurationException(_selfSigned.Name, "cannot be combined with --tls-cert-file, --tls-private-key-file or --ca-bundle-file; choose one");
            return new SecureServing(address, null, null, BindSelfSigned(result));
        }

        var certificate = Flag.Required(_tlsCert, result);
        var key = Flag.Required(_tlsKey, result);
        Hosting.CertificateReloader.Load(certificate, key).Dispose();
        return new SecureServing(address, certificate, key, CaBundleFile: BindCaBundleFile(result));
    }

    private string? BindCaBundleFile(ParseResult result)
    {
        var file = Flag.Optional(_caBundleFile, result);
        if (file is null) return null;
        foreach (var certificate in ReadPemBundle(_caBundleFile, file)) certificate.Dispose();
        return file;
    }

    /// <summary>The certificates of a PEM bundle file, or a ConfigurationException naming the flag.</summary>
    private static IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> ReadPemBundle(Option<string> option, string file)
    {
        if (!File.Exists(file)) throw new ConfigurationException(option.Name, $"{file}: no such file");
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> certificates;
        try
        {
            certificates = Operator.Tls.CertificateChains.FromPem(File.ReadAllText(file));
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ConfigurationException(option.Name, $"{file} is not a PEM certificate bundle ({e.Message.ReplaceLineEndings(" ")})");
        }

        return certificates.Count > 0 ? certificates : throw new ConfigurationException(option.Name, $"{file} holds no PEM certificate");
    }

    private Hub.Certificates.SelfSignedCertificateOptions BindSelfSigned(ParseResult result)
    {
        var (secretNamespace, secretName) = NamespacedName(_selfSignedSecret, result);
        var (serviceNamespace, serviceName) = NamespacedName(_selfSignedService, result);
        var validity = FlagValues.ParseDuration(_selfSignedValidity.Name, result.GetValue(_selfSignedValidity), allowZero: false);
        if (validity < TimeSpan.FromMinutes(1)) throw new ConfigurationException(_selfSignedValidity.Name, "must be at least 1m");
        return new Hub.Certificates.SelfSignedCertificateOptions
        {
            SecretNamespace = secretNamespace,
            SecretName = secretName,
            ServiceNamespace = serviceNamespace,
            ServiceName = serviceName,
            ExtraHosts = FlagValues.ParseList(_selfSignedHosts.Name, result.GetValue(_selfSignedHosts)),
            Validity = validity,
        };
    }

    private static (string Namespace, string Name) NamespacedName(Option<string> option, ParseResult result)
    {
        var parts = Flag.Required(option, result).Split('/');
        if (parts.Length != 2 || parts.Any(p => FlagValues.Dns1123LabelProblem(p, 63) is not null))
            throw new ConfigurationException(option.Name, $"'{result.GetValue(option)}' is not namespace/name");
        return (parts[0], parts[1]);
    }
}
