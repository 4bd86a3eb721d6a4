using System.Net;
using k8s;
using k8s.Autorest;
using Kagent.Onboarding;
using Kagent.Operator.Client;

namespace Kagent.Hub.Certificates;

/// <summary>
/// Writes the CA bundle that verifies the hub's serving certificate into the onboarding
/// ValidatingWebhookConfiguration and the APIService v1alpha1.kagent.io, where it differs, so that the control
/// plane's kube-apiserver trusts the hub. Used for self-signed certificates and for a CA file
/// (--ca-bundle-file), where no CA injector can reach the control plane.
/// </summary>
public sealed class CaBundleInjector(KubeClient client, ILogger logger)
{
    public const string ApiServiceName = "v1alpha1.kagent.io";

    private readonly HashSet<string> _missingTargets = [];

    /// <summary>Whether the last injection found both objects (a missing one is tried again at the next round).</summary>
    public bool AllTargetsPresent => _missingTargets.Count == 0;

    private const int MaxConflictRetries = 5;

    public async Task InjectAsync(byte[] bundle, CancellationToken cancellationToken)
    {
        await InjectOneAsync($"ValidatingWebhookConfiguration {WebhookConfigurations.Name}", async () =>
        {
            var configuration = await client.AdmissionregistrationV1.ReadValidatingWebhookConfigurationAsync(WebhookConfigurations.Name, cancellationToken: cancellationToken);
            var stale = configuration.Webhooks?.Where(w => w.ClientConfig.CaBundle is not { } ca || !ca.SequenceEqual(bundle)).ToList() ?? [];
            if (stale.Count == 0) return false;
            foreach (var webhook in stale) webhook.ClientConfig.CaBundle = bundle;
            await client.AdmissionregistrationV1.ReplaceValidatingWebhookConfigurationAsync(configuration, WebhookConfigurations.Name, cancellationToken: cancellationToken);
            return true;
        });
        await InjectOneAsync($"APIService {ApiServiceName}", async () =>
        {
            var apiService = await client.ApiregistrationV1.ReadAPIServiceAsync(ApiServiceName, cancellationToken: cancellationToken);
            if (apiService.Spec.CaBundle is { } ca && ca.SequenceEqual(bundle)) return false;
            apiService.Spec.CaBundle = bundle;
            await client.ApiregistrationV1.ReplaceAPIServiceAsync(apiService, ApiServiceName, cancellationToken: cancellationToken);
            return true;
        });
    }

    private async Task InjectOneAsync(string target, Func<Task<bool>> inject)
    {
        // Read, change and write again when someone else wrote in between (another replica, a person's apply): a
        // conflict must not leave the old CA in place until the next verification.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await inject()) logger.CaBundleInjected(target);
                _missingTargets.Remove(target);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // Not applied yet (or deliberately left out); checked again on the next round.
                if (_missingTargets.Add(target)) logger.CaBundleTargetMissing(target);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < MaxConflictRetries)
            {
            }
        }
    }
}
