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

/// <summary>Registers controllers, finalizers and validation webhooks (KubeOps' builder shape).</summary>
public sealed class OperatorBuilder(IServiceCollection services, OperatorOptions options)
{
    private readonly List<FinalizerRegistration> _finalizers = [];

    public IServiceCollection Services { get; } = services;

    public OperatorBuilder AddController<TImplementation, TEntity>(ControllerOptions? controllerOptions = null)
        where TImplementation : class, IEntityController<TEntity>
        where TEntity : CustomKubernetesEntity
    {
        controllerOptions ??= new ControllerOptions();
        Services.AddScoped<TImplementation>();
        Services.AddSingleton<IControllerRunner>(sp => new ControllerRunner<TEntity, TImplementation>(
            sp,
            sp.GetRequiredService<SharedCaches>(),
            sp.GetRequiredKeyedService<KubeClient>(controllerOptions.ClientName ?? options.DefaultClientName),
            controllerOptions,
            _finalizers.Where(f => f.Entity == typeof(TEntity)).ToList(),
            sp.GetRequiredService<ILogger<ControllerRunner<TEntity, TImplementation>>>()));
        return this;
    }

    /// <summary>A long-running loop that, like controllers, runs only while this replica leads (a heartbeat, a status writer).</summary>
    public OperatorBuilder AddLeaderService<TImplementation>() where TImplementation : class, IControllerRunner
    {
        Services.AddSingleton<TImplementation>();
        Services.AddSingleton<IControllerRunner>(sp => sp.GetRequiredService<TImplementation>());
        return this;
    }

    /// <summary>
    /// A finalizer the runtime runs before an entity carrying it may go. With <paramref name="attach"/> the runtime
    /// also puts it on every entity; without, someone else does (Karmada's control plane puts the execution
    /// finalizer on each Work it creates) and the runtime only runs and removes it.
    /// </summary>
    public OperatorBuilder AddFinalizer<TImplementation, TEntity>(string identifier, bool attach = true)
        where TImplementation : class, IEntityFinalizer<TEntity>
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        Services.AddScoped<TImplementation>();
        _finalizers.Add(new FinalizerRegistration(typeof(TEntity), typeof(TImplementation), identifier, attach));
        return this;
    }

    /// <summary>Serves POST /validate/{kind} (lower case) once the app calls MapValidationWebhooks().</summary>
    public OperatorBuilder AddValidationWebhook<TImplementation, TEntity>()
        where TImplementation : ValidationWebhook<TEntity>
        where TEntity : IKubernetesObject<V1ObjectMeta>
    {
        Services.AddScoped<TImplementation>();
        Services.AddSingleton(new WebhookRegistration(ValidationWebhookPaths.For<TEntity>(), typeof(TEntity), typeof(TImplementation)));
        return this;
    }
}
