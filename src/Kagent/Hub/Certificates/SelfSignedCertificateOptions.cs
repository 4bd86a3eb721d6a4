namespace Kagent.Hub.Certificates;

/// <summary>`kagent hub --self-signed-certs`: the hub keeps its own CA and serving certificate in a Secret.</summary>
public sealed record SelfSignedCertificateOptions
{
    public string SecretNamespace { get; init; } = "kagent-system";

    public string SecretName { get; init; } = "kagent-hub-certs";

    /// <summary>The Service kube-apiserver reaches the hub through (its DNS names go into the certificate).</summary>
    public string ServiceNamespace { get; init; } = "kagent-system";

    public string ServiceName { get; init; } = "kagent-hub";

    /// <summary>More DNS names or IP addresses for the serving certificate.</summary>
    public IReadOnlyList<string> ExtraHosts { get; init; } = [];

    /// <summary>Lifetime of a serving certificate; it is renewed with a third of it left. The CA lives ten times as long.</summary>
    public TimeSpan Validity { get; init; } = TimeSpan.FromDays(365);

    public IReadOnlyList<string> Hosts =>
    [
        $"{ServiceName}.{ServiceNamespace}.svc", $"{ServiceName}.{ServiceNamespace}.svc.cluster.local",
        $"{ServiceName}.{ServiceNamespace}", ServiceName, .. ExtraHosts,
    ];
}
