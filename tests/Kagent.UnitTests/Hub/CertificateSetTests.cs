using System.Security.Cryptography.X509Certificates;
using Kagent.Hub.Certificates;
using Xunit;

namespace Kagent.UnitTests.Hub;

/// <summary>When the self-signed certificates are kept, renewed, or replaced with a new CA.</summary>
public sealed class CertificateSetTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SelfSignedCertificateOptions Options = new() { Validity = TimeSpan.FromDays(30), ExtraHosts = ["127.0.0.1"] };

    [Fact]
    public void A_good_set_is_kept_a_serving_certificate_with_a_third_left_is_renewed_under_the_same_ca()
    {
        var set = CertificateSet.Renew(null, Options, Now);
        Assert.Same(set, CertificateSet.Renew(set, Options, Now.AddDays(19)));

        var renewed = CertificateSet.Renew(set, Options, Now.AddDays(21));
        Assert.Same(set.Authority, renewed.Authority);
        Assert.NotEqual(set.Serving, renewed.Serving);
        using var serving = X509Certificate2.CreateFromPem(renewed.Serving.CertificatePem);
        Assert.Equal(Now.AddDays(51).UtcDateTime, serving.NotAfter.ToUniversalTime());

        // Stored and read back, the same set.
        Assert.Equal(renewed, CertificateSet.FromSecretData(renewed.ToSecretData()));
    }

    [Fact]
    public void Other_hosts_mean_a_new_serving_certificate()
    {
        var set = CertificateSet.Renew(null, Options, Now);
        var moved = CertificateSet.Renew(set, Options with { ServiceName = "kagent" }, Now);
        Assert.NotSame(set, moved);
        using var serving = X509Certificate2.CreateFromPem(moved.Serving.CertificatePem);
        Assert.Contains("kagent.kagent-system.svc", CertificateIssuer.HostsOf(serving));
        Assert.Contains("127.0.0.1", CertificateIssuer.HostsOf(serving));
    }

    [Fact]
    public void A_ca_that_would_not_outlive_a_new_serving_certificate_is_replaced_and_stays_in_the_bundle_until_it_expires()
    {
        var set = CertificateSet.Renew(null, Options, Now);               // CA valid for 300 days
        var late = Now.AddDays(280);
        var rotated = CertificateSet.Renew(set, Options, late);
        Assert.NotEqual(set.Authority, rotated.Authority);
        Assert.StartsWith(rotated.Authority.CertificatePem, rotated.TrustBundle);
        Assert.EndsWith(set.Authority.CertificatePem, rotated.TrustBundle);

        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(rotated.TrustBundle);
        Assert.Equal(2, collection.Count);
    }
}
