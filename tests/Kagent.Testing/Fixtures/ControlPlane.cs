using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api;
using Kagent.Api.Karmada;
using Kagent.Operator.Crds;
using Kagent.Testing.Servers;

namespace Kagent.Testing.Fixtures;

/// <summary>
/// A stand-in Karmada control plane: a real kube-apiserver with the front-proxy flags (for the aggregated API),
/// Karmada's Cluster installed as a CRD, the kagent.io CRDs, and the namespaces karmada-system and karmada-cluster.
/// </summary>
public sealed class ControlPlane : TestCluster
{
    private ControlPlane(ApiServer server) : base(server)
    {
    }

    /// <summary>Starts it, with bootstrap-token authentication on as Karmada's installers run karmada-apiserver.</summary>
    public static Task<ControlPlane> StartAsync(EnvtestBinaries binaries, ApiServerOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(binaries, options with { ExtraApiServerArguments = [.. options.ExtraApiServerArguments, "--enable-bootstrap-token-auth=true"] }, server => new ControlPlane(server), async controlPlane =>
        {
            await controlPlane.EnsureNamespaceAsync(KarmadaConstants.SystemNamespace, cancellationToken);
            await controlPlane.EnsureNamespaceAsync(KarmadaConstants.ClusterNamespace, cancellationToken);
            await InstallCrdsAsync(controlPlane.Admin, ApiTypes.KarmadaCrds.Concat(ApiTypes.KagentCrds).Concat(ApiTypes.ClusterInventoryCrds), cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// The cluster's execution space karmada-es-&lt;cluster&gt;, which Karmada's cluster controller creates for each
    /// Cluster (the agent exports the member's events there); the stand-in has no such controller.
    /// </summary>
    public Task EnsureExecutionSpaceAsync(string cluster, CancellationToken cancellationToken = default) =>
        EnsureNamespaceAsync($"karmada-es-{cluster}", cancellationToken);

    /// <summary>Creates (or replaces) CRDs generated from the C# types and waits until each is Established.</summary>
    public static Task InstallCrdsAsync(IKubernetes client, IEnumerable<Type> entityTypes, CancellationToken cancellationToken) =>
        InstallCrdsAsync(client, entityTypes.Select(CrdGenerator.Generate), cancellationToken);

    /// <summary>
    /// CRDs of other projects' kinds (cert-manager's, the Prometheus Operator's) without a schema: enough for a
    /// server-side dry run of manifests that use them.
    /// </summary>
    public static IEnumerable<V1CustomResourceDefinition> SchemalessCrds(string group, string version, params (string Plural, string Kind)[] kinds) =>
        kinds.Select(k => new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = $"{k.Plural}.{group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = k.Plural, Kind = k.Kind },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = version, Served = true, Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                    },
                ],
            },
        });

    /// <summary>Creates (or replaces) CRDs and waits until each is Established.</summary>
    public static async Task InstallCrdsAsync(IKubernetes client, IEnumerable<V1CustomResourceDefinition> definitions, CancellationToken cancellationToken)
    {
        var crds = definitions.ToList();
        foreach (var crd in crds)
        {
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                var existing = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: cancellationToken);
                crd.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
                await client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name, cancellationToken: cancellationToken);
            }
        }

        foreach (var crd in crds)
        {
            await Eventually.TrueAsync(async () =>
            {
                var current = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: cancellationToken);
                return current.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;
            }, TimeSpan.FromSeconds(30), $"CRD {crd.Metadata.Name} established", cancellationToken);
        }
    }
}
