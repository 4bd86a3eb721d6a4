using System.Globalization;
using Kagent.Api.V1Beta1;
using C = Kagent.Api.V1Beta1.OnboardingConstants;

namespace Kagent.Onboarding;

/// <summary>What the hub says of an agent's client certificate, from the expiry the agent wrote on its registration.</summary>
public sealed record CertificateVerdict(bool Degraded, string Reason, string Message, TimeSpan? RecheckIn);

/// <summary>
/// Judges the kagent.io/client-certificate-expiry annotation: fine until a day before; then "expires soon" (the
/// agent renews at a fifth of the lifetime left, so by then its renewal is stuck); Degraded once expired, when the
/// agent can no longer reach the control plane to say so itself.
/// </summary>
public static class CertificateExpiry
{
    public static readonly TimeSpan Warning = TimeSpan.FromDays(1);
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(6);

    public static CertificateVerdict? Judge(ClusterRegistration registration, DateTime now)
    {
        if (registration.Metadata.Annotations?.TryGetValue(C.ClientCertificateExpiryAnnotation, out var text) != true ||
            !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var expiry))
            return null;
        var name = registration.Metadata.Name;
        var at = expiry.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (now >= expiry)
            return new CertificateVerdict(true, C.ReasonCertificateExpired,
                $"the agent's control-plane client certificate expired at {at}: the agent can no longer reach the control plane; " +
                $"give it a new one (kagent join --cluster-name {name} with a new token, or a new kubeconfig Secret)", null);
        if (now >= expiry - Warning)
            return new CertificateVerdict(false, C.ReasonCertificateExpiresSoon,
                $"the agent's control-plane client certificate expires at {at} and was not renewed; check the agent's certRotation and its pending CertificateSigningRequest",
                Shortest(expiry - now));
        return new CertificateVerdict(false, C.ReasonCertificateValid, $"the agent's control-plane client certificate is valid until {at}", Shortest(expiry - Warning - now));
    }

    private static TimeSpan Shortest(TimeSpan wait) => wait < LongestWait ? wait + TimeSpan.FromSeconds(1) : LongestWait;
}
