using Kagent.Api.Karmada;
using Kagent.Kube;
using Kagent.Operator.Cache;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Diagnostics;

namespace Kagent.Agent.Works.Customizations;

/// <summary>One rule's Lua script and where it came from ("ResourceInterpreterCustomization name", or a built-in rule), for messages.</summary>
public sealed record CustomRule(string Source, string Script);

/// <summary>The rules that run on the agent's side for one kind; null where no customization has one.</summary>
public sealed record CustomRules(CustomRule? Retention, CustomRule? StatusReflection, CustomRule? HealthInterpretation)
{
    /// <summary>Per rule, this one where it has it, else <paramref name="under"/>'s: the first layer with a rule answers.</summary>
    public static CustomRules? Layered(CustomRules? over, CustomRules? under) => (over, under) switch
    {
        (null, _) => under,
        (_, null) => over,
        _ => new CustomRules(over.Retention ?? under.Retention, over.StatusReflection ?? under.StatusReflection, over.HealthInterpretation ?? under.HealthInterpretation),
    };
}

/// <summary>
/// The control plane's ResourceInterpreterCustomizations, watched while this replica leads and merged as Karmada
/// merges them: sorted by name, those targeting the same apiVersion and kind combine, and for each rule the last
/// one (by name) with a non-empty script wins. A change makes every Work reconcile again, so that statuses follow.
/// </summary>
public sealed class InterpreterCustomizations(
    [FromKeyedServices(ClusterNames.Karmada)] KubeClient controlPlane,
    ControllerTrigger<Work> works,
    RuntimeHealth runtime,
    ILogger<InterpreterCustomizations> logger) : IControllerRunner
{
    private static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(10);
    private volatile IReadOnlyDictionary<string, CustomRules> _rules = new Dictionary<string, CustomRules>();
    private TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "interpreter-customizations";

    /// <summary>The customized rules of a kind, or null when none applies.</summary>
    public CustomRules? For(string? apiVersion, string? kind) => _rules.GetValueOrDefault($"{apiVersion}/{kind}");

    /// <summary>Waits (a bounded time) for the first list, so that no Work is judged by the built-in rules only because the agent just started.</summary>
    public async Task WaitSyncedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _synced.Task.WaitAsync(SyncWait, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var watcher = new ResourceWatcher<ResourceInterpreterCustomization>(controlPlane, ResourcePath.For<ResourceInterpreterCustomization>(), logger: logger);
        watcher.Subscribe(_ => Load(watcher.Items));
        using var tracked = runtime.Track(watcher);
        var run = watcher.RunAsync(cancellationToken);
        try
        {
            await watcher.Synced.WaitAsync(cancellationToken);
            Load(watcher.Items);
            _synced.TrySetResult();
        }
        catch (OperationCanceledException)
        {
        }

        await run;
        _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Merges the customizations the watch holds (and takes them as the current rules).</summary>
    public void Load(IEnumerable<ResourceInterpreterCustomization> items)
    {
        var merged = new Dictionary<string, CustomRules>();
        foreach (var customization in items.OrderBy(c => c.Metadata.Name, StringComparer.Ordinal))
        {
            var key = $"{customization.Spec.Target.ApiVersion}/{customization.Spec.Target.Kind}";
            var rules = customization.Spec.Customizations;
            var name = customization.Metadata.Name;
            var current = merged.GetValueOrDefault(key) ?? new CustomRules(null, null, null);
            merged[key] = new CustomRules(
                Pick(name, rules.Retention) ?? current.Retention,
                Pick(name, rules.StatusReflection) ?? current.StatusReflection,
                Pick(name, rules.HealthInterpretation) ?? current.HealthInterpretation);
        }

        var before = _rules;
        _rules = merged;
        if (before.Count == merged.Count && before.All(kv => merged.TryGetValue(kv.Key, out var now) && now == kv.Value)) return;
        logger.CustomizationsLoaded(merged.Count, string.Join(", ", merged.Keys.Order(StringComparer.Ordinal)));
        works.RequeueAll();
    }

    private static CustomRule? Pick(string customization, LuaScriptRule? rule) =>
        string.IsNullOrWhiteSpace(rule?.LuaScript) ? null : new CustomRule($"ResourceInterpreterCustomization {customization}", rule.LuaScript);
}
