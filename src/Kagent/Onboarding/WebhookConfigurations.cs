using k8s.Models;
using Kagent.Api;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Webhooks;

namespace Kagent.Onboarding;

/// <summary>The ValidatingWebhookConfiguration of onboarding, for any way of reaching the hub (a Service, or a URL).</summary>
public static class WebhookConfigurations
{
    public const string Name = "kagent-onboarding";

    public static V1ValidatingWebhookConfiguration Onboarding(Func<string, Admissionregistrationv1WebhookClientConfig> clientConfigFor) => new()
    {
        ApiVersion = "admissionregistration.k8s.io/v1",
        Kind = "ValidatingWebhookConfiguration",
        Metadata = new V1ObjectMeta { Name = Name, Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "kagent" } },
        Webhooks =
        [
            Webhook($"{OnboardingConstants.Plural}.{KagentConstants.Group}", ValidationWebhookPaths.For<ClusterRegistration>(), OnboardingConstants.Plural,
                ["CREATE", "UPDATE", "DELETE"], clientConfigFor),
            Webhook($"onboardingpolicies.{KagentConstants.Group}", ValidationWebhookPaths.For<OnboardingPolicy>(), "onboardingpolicies",
                ["CREATE", "UPDATE"], clientConfigFor),
        ],
    };

    /// <summary>Reaching the hub through its webhook Service (as config/webhook ships it).</summary>
    public static Func<string, Admissionregistrationv1WebhookClientConfig> ViaService(string ns, string service, int port = 443, byte[]? caBundle = null) =>
        path => new Admissionregistrationv1WebhookClientConfig
        {
            Service = new Admissionregistrationv1ServiceReference { NamespaceProperty = ns, Name = service, Path = path, Port = port },
            CaBundle = caBundle,
        };

    /// <summary>Reaching the hub at a URL (a hub outside the cluster, such as the local fleet's).</summary>
    public static Func<string, Admissionregistrationv1WebhookClientConfig> ViaUrl(string baseUrl, byte[]? caBundle) =>
        path => new Admissionregistrationv1WebhookClientConfig { Url = baseUrl.TrimEnd('/') + path, CaBundle = caBundle };

    private static V1ValidatingWebhook Webhook(string name, string path, string resource, IList<string> operations,
        Func<string, Admissionregistrationv1WebhookClientConfig> clientConfigFor) => new()
        {
            Name = name,
            ClientConfig = clientConfigFor(path),
            Rules = [new V1RuleWithOperations { ApiGroups = [KagentConstants.Group], ApiVersions = [KagentConstants.Version], Resources = [resource], Operations = operations, Scope = "Cluster" }],
            FailurePolicy = "Fail",
            MatchPolicy = "Equivalent",
            SideEffects = "None",
            TimeoutSeconds = 10,
            AdmissionReviewVersions = ["v1"],
        };
}
