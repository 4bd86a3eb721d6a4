using Kagent.Operator.Cache;
using Microsoft.Extensions.DependencyInjection;

namespace Kagent.Operator.Hosting;

public static class OperatorServiceCollectionExtensions
{
    public static OperatorBuilder AddKubernetesOperator(this IServiceCollection services, OperatorOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SharedCaches>();
        services.AddHostedService(sp => sp.GetRequiredService<SharedCaches>());
        services.AddSingleton<OperatorHost>();
        services.AddHostedService(sp => sp.GetRequiredService<OperatorHost>());
        return new OperatorBuilder(services, options);
    }
}
