using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using Kagent.Hub;
using Kagent.Kube;
using Kagent.Operator.Tls;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Kagent.Aggregation.Security;

/// <summary>
/// Authenticates kube-apiserver's aggregator as the front proxy, as extension API servers must: the TLS client
/// certificate has to chain to the request-header CA (for client authentication) and carry an allowed common name;
/// only then are the X-Remote-User, X-Remote-Group and X-Remote-Extra-* headers believed. Those headers are removed
/// from every request, so that nothing later can mistake forged ones for the proxy's.
/// </summary>
public sealed class FrontProxyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    RequestHeaderSettingsSource settingsSource)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "FrontProxy";
    public const string GroupClaim = "kagent.io/group";
    public const string UidClaim = "kagent.io/uid";
    public const string ExtraClaimPrefix = "kagent.io/extra/";

    /// <summary>Refusals are logged at --v=2 under a category of their own (ASP.NET's own failure line is filtered out: one line per refusal, not per level).</summary>
    private readonly ILogger _refusals = loggerFactory.CreateLogger("Kagent.Aggregation.Security.FrontProxy");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = settingsSource.Current;
        var headers = TakeIdentityHeaders(settings);
        var certificate = Context.Connection.ClientCertificate ?? await Context.Connection.GetClientCertificateAsync(Context.RequestAborted);
        if (certificate is null) return AuthenticateResult.NoResult();
        if (settings is null) return Refuse("the front proxy's CA is not known yet (kube-system/extension-apiserver-authentication not read)");
        if (Verify(certificate, settings) is { } problem) return Refuse(problem);

        var user = settings.UsernameHeaders.Select(h => First(headers, h)).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        if (user is null) return Refuse("the front proxy sent no user header");

        var claims = new List<Claim> { new(ClaimTypes.Name, user) };
        if (settings.UidHeaders.Select(h => First(headers, h)).FirstOrDefault(v => !string.IsNullOrEmpty(v)) is { } uid) claims.Add(new Claim(UidClaim, uid));
        claims.AddRange(settings.GroupHeaders.SelectMany(h => All(headers, h)).Select(g => new Claim(GroupClaim, g)));
        foreach (var (name, values) in headers)
        {
            var prefix = settings.ExtraHeaderPrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
            if (prefix is null) continue;
            var key = Uri.UnescapeDataString(name[prefix.Length..]).ToLowerInvariant();
            claims.AddRange(values.Select(v => new Claim(ExtraClaimPrefix + key, v)));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private AuthenticateResult Refuse(string reason)
    {
        _refusals.RequestRefused(reason);
        return AuthenticateResult.Fail(reason);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        KubeResponses.WriteStatusAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        KubeResponses.WriteStatusAsync(Context, StatusCodes.Status403Forbidden, "forbidden");

    /// <summary>Why the certificate is not the front proxy's, or null when it is.</summary>
    public static string? Verify(X509Certificate2 certificate, RequestHeaderSettings settings)
    {
        if (CertificateChains.Verify(certificate, settings.ClientCertificateAuthorities, CertificateChains.ClientAuthentication) is { } problem)
        {
            return $"client certificate {certificate.Subject} is not valid for the front proxy: {problem}";
        }

        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return settings.AllowedNames.Count == 0 || settings.AllowedNames.Contains(commonName)
            ? null
            : $"client certificate common name {commonName} is not one of the allowed front-proxy names [{string.Join(", ", settings.AllowedNames)}]";
    }

    /// <summary>The user the front proxy vouched for, from an authenticated principal.</summary>
    public static RemoteUser UserOf(ClaimsPrincipal principal) => new(
        principal.Identity?.Name ?? "",
        principal.FindFirst(UidClaim)?.Value,
        principal.FindAll(GroupClaim).Select(c => c.Value).ToList(),
        principal.Claims.Where(c => c.Type.StartsWith(ExtraClaimPrefix, StringComparison.Ordinal))
            .GroupBy(c => c.Type[ExtraClaimPrefix.Length..])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.Value).ToList()));

    private List<(string Name, string[] Values)> TakeIdentityHeaders(RequestHeaderSettings? settings)
    {
        var taken = new List<(string, string[])>();
        foreach (var header in Request.Headers.ToList())
        {
            var identity = settings?.IsIdentityHeader(header.Key)
                ?? header.Key.StartsWith("X-Remote-", StringComparison.OrdinalIgnoreCase);
            if (!identity) continue;
            taken.Add((header.Key, header.Value.Where(v => v is not null).Select(v => v!).ToArray()));
            Request.Headers.Remove(header.Key);
        }

        return taken;
    }

    private static string? First(List<(string Name, string[] Values)> headers, string name) => All(headers, name).FirstOrDefault();

    private static IEnumerable<string> All(List<(string Name, string[] Values)> headers, string name) =>
        headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Values);
}
