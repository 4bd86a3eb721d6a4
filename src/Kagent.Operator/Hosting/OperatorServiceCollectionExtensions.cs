using k8s;
using k8s.Models;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Entities;
using Kagent.Operator.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
