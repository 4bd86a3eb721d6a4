using System.CommandLine;
using Kagent.Agent.Events;
using Kagent.Api.Karmada;
using Kagent.Configuration;

namespace Kagent.Cli;

/// <summary>`kagent agent`: runs in a member cluster. Flag names and defaults follow karmada-agent's.</summary>
internal sealed class AgentCommand
{
    private static AgentOptions Defaults => AgentOptions.Defaults;

    private readonly Option<string> _clusterName = Flag.Of("--cluster-name", "", "Name of the member cluster in the control plane (required; a DNS-1123 label of at most 48 characters).");
    private readonly Option<string> _karmadaKubeconfig = Flag.Of("--karmada-kubeconfig", "", "Path to the kubeconfig of the Karmada control plane (required).");
    private readonly Option<string> _karmadaContext = Flag.Of("--karmada-context", "", "Context in --karmada-kubeconfig; empty means its current context.");
    private readonly Option<string> _kubeconfig = Flag.Of("--kubeconfig", "", "Path to the member cluster's kubeconfig; empty means $KUBECONFIG, else in-cluster configuration.");
    private readonly Option<string> _context = Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context.");
    private readonly Option<string> _clusterNamespace = Flag.Of("--cluster-namespace", Defaults.ClusterNamespace, "Control-plane namespace of the cluster's heartbeat Lease and secrets.");
    private readonly Option<string> _apiEndpoint = Flag.Of("--cluster-api-endpoint", "", "API endpoint of the member cluster (absolute https URL), written to Cluster.spec.apiEndpoint.");
    private readonly Option<string> _proxy = Flag.Of("--proxy-server-address", "", "Proxy the control plane uses to reach the member, written to Cluster.spec.proxyURL.");
    private readonly Option<string> _provider = Flag.Of("--cluster-provider", "", "Cloud provider of the member cluster.");
    private readonly Option<string> _region = Flag.Of("--cluster-region", "", "Region of the member cluster.");
    private readonly Option<string> _zones = Flag.Of("--cluster-zones", "", "Comma-separated zones of the member cluster.");
    private readonly Option<string> _labels = Flag.Of("--cluster-labels", "", "Comma-separated key=value labels for the Cluster.");
    private readonly Option<string> _taints = Flag.Of("--cluster-taints", "", "Comma-separated key[=value]:Effect taints for the Cluster.");
    private readonly Option<string> _statusFrequency = Flag.Of("--cluster-status-update-frequency", Defaults.ClusterStatusUpdateFrequency, "How often the cluster's status is computed and, when it changed, written to the control plane.");
    private readonly Option<string> _leaseDuration = Flag.Of("--cluster-lease-duration", Defaults.ClusterLeaseDuration, "leaseDurationSeconds of the cluster's heartbeat Lease.");
    private readonly Option<double> _leaseFraction = Flag.Of("--cluster-lease-renew-interval-fraction", Defaults.ClusterLeaseRenewIntervalFraction, "The heartbeat Lease is renewed every lease duration times this fraction (0 < f < 1).");
    private readonly Option<string> _successThreshold = Flag.Of("--cluster-success-threshold", Defaults.ClusterSuccessThreshold, "How long the cluster must be healthy before Ready turns True again.");
    private readonly Option<string> _failureThreshold = Flag.Of("--cluster-failure-threshold", Defaults.ClusterFailureThreshold, "How long the cluster must be unhealthy before Ready turns False.");
    private readonly Option<float> _clusterApiQps = Flag.Of("--cluster-api-qps", Defaults.MemberClientLimits.Qps, "QPS to use while talking with the member cluster's API server.");
    private readonly Option<int> _clusterApiBurst = Flag.Of("--cluster-api-burst", Defaults.MemberClientLimits.Burst, "Burst to use while talking with the member cluster's API server.");
    private readonly Option<bool> _eventExport = Flag.Of("--event-export", Defaults.EventExport.Enabled, "Forward the member's Warning events to the control plane namespace karmada-es-<cluster>; --event-export=false disables it.");
    private readonly Option<string> _eventReasons = Flag.Of("--event-export-reasons", "", "Comma-separated event reasons to export; empty means every reason.");
    private readonly Option<string> _eventKinds = Flag.Of("--event-export-kinds", "", "Comma-separated kinds of involved objects (Pod, Node, ...) whose events are exported; empty means every kind.");
    private readonly Option<string> _eventNamespaces = Flag.Of("--event-export-namespaces", "", "Comma-separated member namespaces whose events are exported; empty means every namespace.");
    private readonly Option<float> _eventQps = Flag.Of("--event-export-qps", (float)Defaults.EventExport.Qps, "Sustained event writes per second to the control plane.");
    private readonly Option<int> _eventBurst = Flag.Of("--event-export-burst", Defaults.EventExport.Burst, "Event writes allowed at once before --event-export-qps applies.");
    private readonly Option<int> _eventMaxPending = Flag.Of("--event-export-max-pending", Defaults.EventExport.MaxPending, "Distinct events that may wait to be written; past it, new ones wait in the member until the queue drains.");
    private readonly Option<string> _controllers = Flag.Of("--controllers", "*",
        "Controllers to run, karmada-agent's names: '*' for all, 'name' to enable, '-name' to disable ('*,-execution'). Kagent runs " +
        "clusterStatus (heartbeat and Cluster status), execution (applying Works), workStatus (their manifestStatuses) and certRotation (renewing " +
        "the control-plane client certificate; on by default, unlike karmada-agent); serviceExport and endpointsliceCollect are accepted and do nothing.");
    private readonly Option<int> _concurrentWorkSyncs = Flag.Of("--concurrent-work-syncs", Defaults.Works.ConcurrentWorkSyncs, "Works reconciled at once.");
    private readonly Option<string> _rateLimiterBaseDelay = Flag.Of("--rate-limiter-base-delay", Defaults.Works.RateLimiterBaseDelay, "First retry delay of a failed Work; doubles per failure.");
    private readonly Option<string> _rateLimiterMaxDelay = Flag.Of("--rate-limiter-max-delay", Defaults.Works.RateLimiterMaxDelay, "Longest retry delay of a failed Work.");
    private readonly Option<double> _rateLimiterQps = Flag.Of("--rate-limiter-qps", Defaults.Works.RateLimiterQps, "Retries of failed Works per second, all together.");
    private readonly Option<int> _rateLimiterBucketSize = Flag.Of("--rate-limiter-bucket-size", Defaults.Works.RateLimiterBucketSize, "Retries of failed Works allowed at once before --rate-limiter-qps applies.");
    private readonly Option<string> _signals = Flag.Of("--signal-conditions", "*",
        "Signal conditions written on the Karmada Cluster beside Ready, as kagent.io/<name>: '*' for all, 'name' to enable, '-name' to disable " +
        "('*,-CapacityPressure'), empty for none; NodesReady, ControlPlaneHealthy, CapacityPressure, ClockSynchronized, AgentHealthy. A turned-off one is set Unknown.");
    private readonly Option<int> _signalNodesReady = Flag.Of("--signal-nodes-ready-threshold", Defaults.Signals.NodesReadyPercent, "kagent.io/NodesReady is False when fewer than this percentage of the nodes are Ready (0-100).");
    private readonly Option<int> _signalCapacity = Flag.Of("--signal-capacity-threshold", Defaults.Signals.CapacityPercent, "kagent.io/CapacityPressure is True when pod requests reach this percentage of allocatable CPU, memory or pods (1-100).");
    private readonly Option<string> _signalClockSkew = Flag.Of("--signal-clock-skew-threshold", Defaults.Signals.ClockSkewThreshold, "kagent.io/ClockSynchronized is False when the agent's or the member's clock is further than this from the control plane's.");
    private readonly Option<string> _signalAgentStall = Flag.Of("--signal-agent-stall-threshold", Defaults.Signals.AgentStallThreshold, "kagent.io/AgentHealthy is False when one of the agent's caches has been without a watch, or a Work has waited in its queue, longer than this.");
    private readonly Option<string> _certRotationInterval = Flag.Of("--cert-rotation-checking-interval", Defaults.CertRotation.CheckingInterval, "How often the control-plane client certificate is checked for renewal.");
    private readonly Option<double> _certRotationThreshold = Flag.Of("--cert-rotation-remaining-time-threshold", Defaults.CertRotation.RemainingTimeThreshold, "Renew the control-plane client certificate once less than this share of its lifetime is left (0-1).");
    private readonly Option<string> _karmadaKubeconfigNamespace = Flag.Of("--karmada-kubeconfig-namespace", Defaults.CertRotation.SecretNamespace, "Namespace, in the member, of the Secret the control-plane kubeconfig is mounted from; a renewed certificate is written there.");
    private readonly Option<string> _karmadaKubeconfigSecret = Flag.Of("--karmada-kubeconfig-secret", Defaults.CertRotation.SecretName, "That Secret's name; its key is the kubeconfig's file name. Without the Secret (a kubeconfig file outside a cluster) the file is rewritten.");
    private readonly CommonFlags _common = new(AgentOptions.DefaultMetricsBindAddress, AgentOptions.DefaultHealthProbeBindAddress);

    public Command Build(Func<AgentOptions, CancellationToken, Task<int>> run)
    {
        var command = new Command("agent", "Run in a member cluster: register it with the Karmada control plane, renew its heartbeat, report its health and status, and execute its Works.");
        foreach (var option in Own.Concat(_common.All)) command.Add(option);
        command.SetAction((result, ct) => CommandRunner.RunAsync(() => Bind(result), run, ct));
        command.Add(BuildUnregister());
        return command;
    }

    private static Command BuildUnregister()
    {
        var clusterName = Flag.Of("--cluster-name", "", "Name of the member cluster to deregister (required).");
        var kubeconfig = Flag.Of("--karmada-kubeconfig", "", "Path to the kubeconfig of the Karmada control plane (required).");
        var context = Flag.Of("--karmada-context", "", "Context in --karmada-kubeconfig; empty means its current context.");
        var timeout = Flag.Of("--timeout", "2m", "How long to wait for the hub to deregister the cluster.");
        var deleteSecret = Flag.Of("--delete-kubeconfig-secret", false, "Also delete, in the member, the Secret kagent join wrote the agent's control-plane kubeconfig to (needs --kubeconfig).");
        var memberKubeconfig = Flag.Of("--kubeconfig", "", "Path to the member's kubeconfig, for --delete-kubeconfig-secret; empty means $KUBECONFIG, else in-cluster configuration.");
        var memberContext = Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context.");
        var ns = Flag.Of("--karmada-kubeconfig-namespace", Defaults.CertRotation.SecretNamespace, "Namespace of that Secret in the member.");
        var secret = Flag.Of("--karmada-kubeconfig-secret", Defaults.CertRotation.SecretName, "That Secret's name.");
        var command = new Command("unregister", "Delete this cluster's ClusterRegistration and wait until the hub has removed its Karmada Cluster, heartbeat Lease, the agent's grants and certificate requests; optionally the agent's kubeconfig Secret in the member.")
        {
            clusterName, kubeconfig, context, timeout, deleteSecret, memberKubeconfig, memberContext, ns, secret,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(
            () => (Name: Flag.Required(clusterName, result),
                   Source: new KubeconfigSource(kubeconfig.Name, Flag.Required(kubeconfig, result), Flag.Optional(context, result)),
                   Timeout: FlagValues.ParseDuration(timeout.Name, result.GetValue(timeout), allowZero: false),
                   Secret: result.GetValue(deleteSecret)
                       ? new Agent.Registration.MemberSecret(new KubeconfigSource(memberKubeconfig.Name, Flag.Optional(memberKubeconfig, result), Flag.Optional(memberContext, result)),
                           Flag.Required(ns, result), Flag.Required(secret, result))
                       : null),
            (o, token) =>
            {
                var karmada = Kube.ClusterClientFactory.Create(Kube.ClusterNames.Karmada, Kube.KubeconfigLoader.Load(o.Source), new ClientLimits(40, 60));
                return Agent.Registration.Unregistration.RunAsync(karmada.Client, o.Name, o.Timeout, o.Secret, Console.Out, token);
            }, ct));
        return command;
    }

    private IEnumerable<Option> Own =>
    [
        _clusterName, _karmadaKubeconfig, _karmadaContext, _kubeconfig, _context, _clusterNamespace, _apiEndpoint, _proxy,
        _provider, _region, _zones, _labels, _taints, _statusFrequency, _leaseDuration, _leaseFraction, _successThreshold,
        _failureThreshold, _clusterApiQps, _clusterApiBurst,
        _eventExport, _eventReasons, _eventKinds, _eventNamespaces, _eventQps, _eventBurst, _eventMaxPending,
        _controllers, _concurrentWorkSyncs, _rateLimiterBaseDelay, _rateLimiterMaxDelay, _rateLimiterQps, _rateLimiterBucketSize,
        _signals, _signalNodesReady, _signalCapacity, _signalClockSkew, _signalAgentStall,
        _certRotationInterval, _certRotationThreshold, _karmadaKubeconfigNamespace, _karmadaKubeconfigSecret,
    ];

    private CertRotationOptions BindCertRotation(ParseResult result, WorkOptions works)
    {
        var threshold = result.GetValue(_certRotationThreshold);
        if (threshold is <= 0 or >= 1 || double.IsNaN(threshold)) throw new ConfigurationException(_certRotationThreshold.Name, $"{threshold} is not a share between 0 and 1");
        return new CertRotationOptions
        {
            Enabled = works.CertRotation,
            CheckingInterval = FlagValues.ParseDuration(_certRotationInterval.Name, result.GetValue(_certRotationInterval), allowZero: false),
            RemainingTimeThreshold = threshold,
            SecretNamespace = Flag.Required(_karmadaKubeconfigNamespace, result),
            SecretName = Flag.Required(_karmadaKubeconfigSecret, result),
        };
    }

    private SignalOptions BindSignals(ParseResult result)
    {
        var nodesReady = result.GetValue(_signalNodesReady);
        if (nodesReady is < 0 or > 100) throw new ConfigurationException(_signalNodesReady.Name, $"{nodesReady} is not a percentage between 0 and 100");
        var capacity = result.GetValue(_signalCapacity);
        if (capacity is < 1 or > 100) throw new ConfigurationException(_signalCapacity.Name, $"{capacity} is not a percentage between 1 and 100");
        var baseline = new SignalOptions
        {
            NodesReadyPercent = nodesReady,
            CapacityPercent = capacity,
            ClockSkewThreshold = FlagValues.ParseDuration(_signalClockSkew.Name, result.GetValue(_signalClockSkew), allowZero: false),
            AgentStallThreshold = FlagValues.ParseDuration(_signalAgentStall.Name, result.GetValue(_signalAgentStall), allowZero: false),
        };
        var (signals, problem) = SignalOptions.ParseEnabled(FlagValues.ParseList(_signals.Name, result.GetValue(_signals)), baseline);
        return signals ?? throw new ConfigurationException(_signals.Name, problem!);
    }

    private WorkOptions BindWorks(ParseResult result)
    {
        var syncs = result.GetValue(_concurrentWorkSyncs);
        if (syncs < 1) throw new ConfigurationException(_concurrentWorkSyncs.Name, $"{syncs} is less than 1");
        var qps = result.GetValue(_rateLimiterQps);
        if (qps <= 0 || double.IsNaN(qps)) throw new ConfigurationException(_rateLimiterQps.Name, $"{qps} is not a positive number");
        var bucket = result.GetValue(_rateLimiterBucketSize);
        if (bucket < 1) throw new ConfigurationException(_rateLimiterBucketSize.Name, $"{bucket} is less than 1");
        var baseline = new WorkOptions
        {
            ConcurrentWorkSyncs = syncs,
            RateLimiterBaseDelay = FlagValues.ParseDuration(_rateLimiterBaseDelay.Name, result.GetValue(_rateLimiterBaseDelay), allowZero: false),
            RateLimiterMaxDelay = FlagValues.ParseDuration(_rateLimiterMaxDelay.Name, result.GetValue(_rateLimiterMaxDelay), allowZero: false),
            RateLimiterQps = qps,
            RateLimiterBucketSize = bucket,
        };
        var (works, problem) = WorkOptions.ParseControllers(FlagValues.ParseList(_controllers.Name, result.GetValue(_controllers)), baseline);
        return works ?? throw new ConfigurationException(_controllers.Name, problem!);
    }

    private EventExportOptions BindEventExport(ParseResult result)
    {
        var qps = result.GetValue(_eventQps);
        if (qps <= 0 || float.IsNaN(qps)) throw new ConfigurationException(_eventQps.Name, $"{qps} is not a positive number");
        var burst = result.GetValue(_eventBurst);
        if (burst < 1) throw new ConfigurationException(_eventBurst.Name, $"{burst} is less than 1");
        var maxPending = result.GetValue(_eventMaxPending);
        if (maxPending < 1) throw new ConfigurationException(_eventMaxPending.Name, $"{maxPending} is less than 1");
        return new EventExportOptions
        {
            Enabled = result.GetValue(_eventExport),
            Reasons = FlagValues.ParseList(_eventReasons.Name, result.GetValue(_eventReasons)).ToHashSet(StringComparer.Ordinal),
            Kinds = FlagValues.ParseList(_eventKinds.Name, result.GetValue(_eventKinds)).ToHashSet(StringComparer.Ordinal),
            Namespaces = FlagValues.ParseList(_eventNamespaces.Name, result.GetValue(_eventNamespaces)).ToHashSet(StringComparer.Ordinal),
            Qps = qps,
            Burst = burst,
            MaxPending = maxPending,
        };
    }

    public AgentOptions Bind(ParseResult result)
    {
        var clusterName = Flag.Required(_clusterName, result);
        if (FlagValues.Dns1123LabelProblem(clusterName, KarmadaConstants.MaxClusterNameLength) is { } nameProblem)
            throw new ConfigurationException(_clusterName.Name, nameProblem);

        var fraction = result.GetValue(_leaseFraction);
        if (fraction is <= 0 or >= 1) throw new ConfigurationException(_leaseFraction.Name, $"{fraction} is not between 0 and 1 (exclusive)");

        var works = BindWorks(result);
        return new AgentOptions
        {
            ClusterName = clusterName,
            Karmada = new KubeconfigSource(_karmadaKubeconfig.Name, Flag.Required(_karmadaKubeconfig, result), Flag.Optional(_karmadaContext, result)),
            Member = new KubeconfigSource(_kubeconfig.Name, Flag.Optional(_kubeconfig, result), Flag.Optional(_context, result)),
            ClusterNamespace = Flag.Required(_clusterNamespace, result),
            ClusterApiEndpoint = FlagValues.ParseHttpsUrl(_apiEndpoint.Name, result.GetValue(_apiEndpoint)),
            ProxyServerAddress = FlagValues.ParseUrl(_proxy.Name, result.GetValue(_proxy)),
            ClusterProvider = Flag.Optional(_provider, result),
            ClusterRegion = Flag.Optional(_region, result),
            ClusterZones = FlagValues.ParseList(_zones.Name, result.GetValue(_zones)),
            ClusterLabels = FlagValues.ParseLabels(_labels.Name, result.GetValue(_labels)),
            ClusterTaints = FlagValues.ParseTaints(_taints.Name, result.GetValue(_taints)),
            ClusterStatusUpdateFrequency = FlagValues.ParseDuration(_statusFrequency.Name, result.GetValue(_statusFrequency), allowZero: false),
            ClusterLeaseDuration = FlagValues.ParseDuration(_leaseDuration.Name, result.GetValue(_leaseDuration), allowZero: false),
            ClusterLeaseRenewIntervalFraction = fraction,
            ClusterSuccessThreshold = FlagValues.ParseDuration(_successThreshold.Name, result.GetValue(_successThreshold)),
            ClusterFailureThreshold = FlagValues.ParseDuration(_failureThreshold.Name, result.GetValue(_failureThreshold)),
            MemberClientLimits = Flag.Limits(_clusterApiQps, _clusterApiBurst, result),
            EventExport = BindEventExport(result),
            Works = works,
            CertRotation = BindCertRotation(result, works),
            Signals = BindSignals(result),
            Common = _common.Bind(result),
        };
    }
}
