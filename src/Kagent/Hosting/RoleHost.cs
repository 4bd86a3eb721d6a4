using System.Reflection;
using k8s;
using Kagent.Configuration;
using Kagent.Hosting.Logging;
using Kagent.Kube;
using Kagent.Observability;
using Kagent.Operator.Webhooks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        builder.Logging.AddKlog(role.Common);
        // The serving certificate comes from files, or from a service the role registers (self-signed certificates).
        IServingCertificate? certificates = role.Secure is { CertificateFile: { } certificateFile, KeyFile: { } keyFile } ? new CertificateReloader(certificateFile, keyFile) : null;
        KestrelListeners.Configure(builder.WebHost, role.Common, role.Secure, () => certificates!);

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

        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<CredentialReload>();
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
