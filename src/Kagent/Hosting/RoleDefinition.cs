using Kagent.Configuration;
using Kagent.Kube;

namespace Kagent.Hosting;

/// <summary>What a role brings to the shared host.</summary>
public sealed record RoleDefinition(
    KagentRole Role,
    CommonOptions Common,
    IReadOnlyList<ClusterConnection> Connections,
    Action<IServiceCollection> ConfigureServices)
{
    /// <summary>The TLS endpoint for admission webhooks, when the role serves one.</summary>
    public SecureServing? Secure { get; init; }

    /// <summary>More endpoints on the TLS endpoint (the aggregated API), behind authentication and authorization.</summary>
    public Action<IEndpointRouteBuilder>? MapSecure { get; init; }
}
