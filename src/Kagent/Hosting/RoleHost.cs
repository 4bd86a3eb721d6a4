using System.Reflection;
using k8s;
using Kagent.Configuration;
using Kagent.Kube;
using Kagent.Observability;
using Kagent.Operator.Tls;
using Kagent.Operator.Webhooks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace Kagent.Hosting;

/// <summary>
/// The ASP.NET Core host both roles run in: structured logging, /healthz, /livez and /readyz on the health-probe
/// address, Prometheus /metrics on the metrics address, a connection per API server, and the role's hosted services.
/// </summary>
public static class RoleHost
{
    public static WebApplication Build(RoleDefinition role)
    {
        // The empty builder: flags are the only configuration, so no appsettings files and no watcher on the
        // working directory; Kestrel and routing are added by hand.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ApplicationName = "kagent" });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        ConfigureLogging(builder.Logging, role.Common);
        // The serving certificate comes from files, or from a service the role registers (self-signed certificates).
        IServingCertificate? certificates = role.Secure is { CertificateFile: { } certificateFile, KeyFile: { } keyFile } ? new CertificateReloader(certificateFile, keyFile) : null;
        ConfigureKestrel(builder.WebHost, role.Common, role.Secure, () => certificates!);

        var services = builder.Services;
        services.AddSingleton(role.Common);
        services.AddSingleton(new CollectorRegistryHolder());
        services.AddSingleton<KagentMetrics>();
        services.AddSingleton<MeterBridge>();
        foreach (var connection in role.Connections)
        {
            services.AddSingleton(connection);
            services.AddKeyedSingleton(connection.Name, connection.Client);
            services.AddKeyedSingleton<IKubernetes>(connection.Name, connection.Client);
        }

        services.AddSingleton<ClusterConnectivity>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterConnectivity>());
        services.AddHealthChecks().AddCheck<ClusterConnectivityHealthCheck>("clusters", tags: [HealthTags.Ready]);
        services.Scan(scan => scan.FromAssemblies(typeof(RoleHost).Assembly)
            .AddClasses(classes => classes.AssignableTo<IHostedService>()
                .Where(type => type.GetCustomAttribute<RunsInAttribute>()?.Roles.HasFlag(role.Role) == true))
            .As<IHostedService>()
            .WithSingletonLifetime());
        role.ConfigureServices(services);

        var app = builder.Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        foreach (var connection in role.Connections) connection.Requests.Logger = loggers.CreateLogger("Kagent.Kube.Requests");
        certificates ??= app.Services.GetService<IServingCertificate>();
        app.Services.GetRequiredService<MeterBridge>(); // starts listening before any request is made
        if (role.Secure is { } serving)
        {
            var servingMetrics = new ServingMetrics(app.Services.GetRequiredService<KagentMetrics>(), loggers.CreateLogger<ServingMetrics>());
            app.UseWhen(c => c.Connection.LocalPort == serving.Address.Port, secure => secure.Use(servingMetrics.InvokeAsync));
        }

        if (role.MapSecure is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        MapEndpoints(app, role.Common);
        if (role.Secure is not null)
        {
            var secure = app.MapGroup("").RequireHost(HostPattern(role.Secure.Address));
            secure.MapValidationWebhooks();
            role.MapSecure?.Invoke(secure);
        }
        return app;
    }

    /// <summary>Runs until the token is cancelled or the process is told to stop; a port in use is a configuration error.</summary>
    public static async Task<int> RunAsync(RoleDefinition role, CancellationToken cancellationToken)
    {
        await using var app = Build(role);
        foreach (var step in app.Services.GetServices<IBeforeStart>()) await step.BeforeStartAsync(cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConfigurationException(FlagForFailedBind(role, e.Message), $"{e.Message.TrimEnd('.')}; choose another port");
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Kagent");
        logger.Started(role.Role.ToString().ToLowerInvariant(), BuildInfo.Version, role.Common.MetricsBindAddress?.ToString() ?? "(disabled)",
            role.Common.HealthProbeBindAddress?.ToString() ?? "(disabled)");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, CommonOptions common)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(Logging.LogVerbosity.MinimumLevel(common.Verbosity));
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Kagent.Aggregation.Security.FrontProxyAuthenticationHandler", LogLevel.Warning);

        // An unready probe is expected while an API server is down; ClusterConnectivity logs the transitions once.
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        logging.AddConsole(o => o.FormatterName = common.LogFormat == LogFormat.Json ? Logging.KlogJsonFormatter.Name : Logging.KlogTextFormatter.Name);
        logging.AddConsoleFormatter<Logging.KlogJsonFormatter, ConsoleFormatterOptions>();
        logging.AddConsoleFormatter<Logging.KlogTextFormatter, ConsoleFormatterOptions>();
    }

    private static void ConfigureKestrel(IWebHostBuilder webHost, CommonOptions common, SecureServing? secure, Func<IServingCertificate> certificates)
    {
        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var addresses = ListenAddresses(common).ToList();
            foreach (var address in addresses)
            {
                kestrel.Listen(address.Address, address.Port);
            }

            // With every endpoint disabled Kestrel would fall back to localhost:5000; take an unused loopback port instead.
            if (addresses.Count == 0 && secure is null) kestrel.Listen(System.Net.IPAddress.Loopback, 0);

            if (secure is not null)
            {
                kestrel.Listen(secure.Address.Address, secure.Address.Port, listen => listen.UseHttps(https =>
                {
                    https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                    https.HandshakeTimeout = TimeSpan.FromSeconds(10);   // a client that stalls its handshake holds a connection no longer
                    https.ServerCertificateSelector = (_, _) => certificates().Current;

                    // kube-apiserver calls webhooks without a client certificate and the aggregated API with the
                    // front proxy's: ask for one, accept any at the TLS layer, and let the authentication handler
                    // verify it against the request-header CA (which changes at run time). The chain SslStream builds
                    // for a presented certificate trusts nothing and downloads nothing: the issuer URL of a
                    // certificate anyone can present is never fetched.
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                    https.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = CertificateChains.Policy([], CertificateChains.ClientAuthentication);
                }));
            }
        });
    }

    private static IEnumerable<BindAddress> ListenAddresses(CommonOptions common) =>
        new[] { common.MetricsBindAddress, common.HealthProbeBindAddress }
            .OfType<BindAddress>()
            .DistinctBy(a => (a.Address.ToString(), a.Port));

    private static void MapEndpoints(WebApplication app, CommonOptions common)
    {
        if (common.HealthProbeBindAddress is { } health)
        {
            var live = new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Live), ResponseWriter = HealthResponses.WriteAsync };
            var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready), ResponseWriter = HealthResponses.WriteAsync };
            var host = HostPattern(health);
            app.MapHealthChecks("/healthz", live).RequireHost(host);
            app.MapHealthChecks("/livez", live).RequireHost(host);
            app.MapHealthChecks("/readyz", ready).RequireHost(host);
        }

        if (common.MetricsBindAddress is { } metrics)
        {
            app.MapMetrics("/metrics", app.Services.GetRequiredService<CollectorRegistryHolder>().Registry).RequireHost(HostPattern(metrics));
        }
    }

    private static string HostPattern(BindAddress address) => $"*:{address.Port}";

    private static string FlagForFailedBind(RoleDefinition role, string message)
    {
        var common = role.Common;
        if (role.Secure is { } secure && message.Contains($":{secure.Address.Port}")) return "--secure-port";
        if (common.HealthProbeBindAddress is { } health && message.Contains($":{health.Port}")) return "--health-probe-bind-address";
        return "--metrics-bind-address";
    }
}

public static class HealthTags
{
    public const string Live = "live";
    public const string Ready = "ready";
}
