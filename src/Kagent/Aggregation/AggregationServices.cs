using Kagent.Aggregation.Availability;
using Kagent.Aggregation.Discovery;
using Kagent.Aggregation.Health;
using Kagent.Aggregation.Probe;
using Kagent.Aggregation.Security;
using Kagent.Api;
using Kagent.Configuration;
using Kagent.Kube;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kagent.Aggregation;

/// <summary>The hub's aggregated API server: kagent.io/v1alpha1 clusterhealths behind the APIService v1alpha1.kagent.io.</summary>
public static class AggregationServices
{
    public const string FrontProxyPolicy = "FrontProxy";

    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public static IServiceCollection AddAggregatedApi(this IServiceCollection services, AggregationOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.Availability);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SubjectAccessReviewer>();
        services.AddSingleton(sp => new ClusterHealthStore(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ClusterHealthMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterHealthMonitor>());
        services.AddSingleton<FleetMetrics>();
        services.AddSingleton<RequestHeaderSettingsSource>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestHeaderSettingsSource>());
        services.AddSingleton<RequestAuthorizer>();
        services.AddSingleton<ClusterProber>();
        services.AddSingleton<ClusterHealthApi>();
        services.AddSingleton<ObservationMarker>();
        services.AddSingleton<ClusterHealthWatch>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, FrontProxyAuthenticationHandler>(FrontProxyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o => o.AddPolicy(FrontProxyPolicy, p => p.AddAuthenticationSchemes(FrontProxyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()));
        return services;
    }

    /// <summary>
    /// Discovery, OpenAPI and the resource, for requests the front proxy vouches for; /healthz, /livez and /readyz
    /// for anyone (kube-apiserver's always-allowed paths).
    /// </summary>
    public static void MapAggregatedApi(this IEndpointRouteBuilder secure)
    {
        var monitor = secure.ServiceProvider.GetRequiredService<ClusterHealthMonitor>();
        secure.ServiceProvider.GetRequiredService<FleetMetrics>(); // creates its scrape-time gauges
        var settings = secure.ServiceProvider.GetRequiredService<RequestHeaderSettingsSource>();
        secure.MapGet("/healthz", () => Results.Text("ok"));
        secure.MapGet("/livez", () => Results.Text("ok"));
        secure.MapGet("/readyz", () => monitor.Synced.IsCompleted && settings.Current is not null
            ? Results.Text("ok")
            : Results.Text("[-]clusterhealths-synced failed: reason withheld\nreadyz check failed\n", statusCode: StatusCodes.Status500InternalServerError));

        var api = secure.MapGroup("").RequireAuthorization(FrontProxyPolicy).AddEndpointFilter(AnswerErrorsAsStatus);
        var groupVersion = $"/apis/{KagentConstants.HealthGroupVersion}";
        var collection = $"{groupVersion}/{ClusterHealthApi.Resource}";
        api.MapDiscovery();
        api.MapGet(collection, (HttpContext c, ClusterHealthApi h) => h.ListAsync(c));
        api.MapGet(collection + "/{name}", (HttpContext c, string name, ClusterHealthApi h) => h.GetAsync(c, name));
        api.MapGet(collection + "/{name}/probe", (HttpContext c, string name, ClusterHealthApi h) => h.ProbeAsync(c, name));
        api.MapGet(collection + "/{name}/history", (HttpContext c, string name, ClusterHealthApi h) => h.HistoryAsync(c, name));
        foreach (var path in new[] { collection, collection + "/{name}", collection + "/{name}/probe", collection + "/{name}/history" })
        {
            api.MapMethods(path, WriteMethods, (HttpContext c) => KubeResponses.WriteStatusAsync(c, StatusCodes.Status405MethodNotAllowed,
                $"clusterhealths are computed from the control plane and read-only: {c.Request.Method} is not supported"));
        }

        api.Map(groupVersion + "/{**rest}", (HttpContext c, string rest) => KubeResponses.WriteStatusAsync(c, StatusCodes.Status404NotFound,
            $"the server could not find the requested resource ({c.Request.Method} {groupVersion}/{rest})"));
    }

    private static async ValueTask<object?> AnswerErrorsAsStatus(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        try
        {
            return await next(invocation);
        }
        catch (FormatException e) when (!context.Response.HasStarted)
        {
            await KubeResponses.WriteStatusAsync(context, StatusCodes.Status400BadRequest, e.Message);
        }
        catch (KubeResponses.ApiException e) when (!context.Response.HasStarted)
        {
            await KubeResponses.WriteStatusAsync(context, e.Code, e.Message);
        }

        // The answer is written; nothing more for the endpoint to serialize.
        return Results.Empty;
    }
}
