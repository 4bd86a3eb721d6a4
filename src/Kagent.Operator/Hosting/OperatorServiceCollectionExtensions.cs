using Kagent.Operator.Cache;
using Kagent.Operator.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Kagent.Operator.Hosting;

public static class OperatorServiceCollectionExtensions
{
    public static OperatorBuilder AddKubernetesOperator(this IServiceCollection services, OperatorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<RuntimeHealth>();
        services.AddSingleton<SharedCaches>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedCaches>());
        services.AddSingleton<OperatorHost>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorHost>());
        return new OperatorBuilder(services, options);
    }
}
