using System.Text.Json.Nodes;
using Kagent.Api.Karmada;

namespace Kagent.Agent.Works.Customizations;

/// <summary>
/// Which layer answers, per operation, as in Karmada (pkg/resourceinterpreter/interpreter.go): a
/// ResourceInterpreterCustomization's Lua rule when one exists for the kind, else Karmada's built-in rule for another
/// project's kind (<see cref="ThirdPartyCustomizations"/>), else the native rule. The first layer that has the rule
/// answers, and its error is final (no fall-through). Interpreter webhooks are not consulted.
/// </summary>
public sealed class ResourceInterpreter(InterpreterCustomizations customizations)
{
    public Task WaitReadyAsync(CancellationToken cancellationToken) => customizations.WaitSyncedAsync(cancellationToken);

    /// <summary>The object to write: generic retention, then the customization's Retain or else the built-in one.</summary>
    public JsonObject Retain(JsonObject desired, JsonObject live)
    {
        var retained = Retention.ApplyGeneric(desired, live);
        if (RulesFor(desired)?.Retention is not { } rule) return Retention.ApplyKind(retained, live);
        var result = Run(rule, "Retain", "retention", [retained, live]);
        if (result is not JsonObject obj) throw new LuaScriptException($"retention of {rule.Source} failed: result type {LuaSandbox.TypeOf(result)} is not table");
        return (JsonObject)RepairRetained(obj, retained, live)!;
    }

    /// <summary>The reflected status and health; a failing customized rule gives an unknown health and says why.</summary>
    public InterpretedStatus Interpret(JsonObject live)
    {
        var native = WorkloadInterpreter.Interpret(live);
        var rules = RulesFor(live);
        if (rules is null || (rules.StatusReflection is null && rules.HealthInterpretation is null)) return native;

        var status = native.Status;
        var health = native.Health;
        string? problem = null, reason = null;
        if (rules.StatusReflection is { } reflect)
        {
            try
            {
                var result = Run(reflect, "ReflectStatus", "statusReflection", [live]);
                status = result switch
                {
                    JsonObject obj => RepairReflected(obj),
                    JsonArray { Count: 0 } => null,
                    _ => throw new LuaScriptException($"statusReflection of {reflect.Source} failed: result type {LuaSandbox.TypeOf(result)} is not table"),
                };
            }
            catch (LuaScriptException e)
            {
                (status, reason, problem) = (null, "ReflectStatusFailed", e.Message);
            }
        }

        if (rules.HealthInterpretation is { } rule)
        {
            try
            {
                var result = Run(rule, "InterpretHealth", "healthInterpretation", [live]);
                health = result is JsonValue value && value.TryGetValue<bool>(out var healthy)
                    ? healthy ? WorkConstants.Healthy : WorkConstants.Unhealthy
                    : throw new LuaScriptException($"healthInterpretation of {rule.Source} failed: result type {LuaSandbox.TypeOf(result)} is not bool");
            }
            catch (LuaScriptException e)
            {
                health = WorkConstants.HealthUnknown;
                reason ??= "InterpretHealthFailed";
                problem = problem is null ? e.Message : $"{problem}; {e.Message}";
            }
        }

        return new InterpretedStatus(status, health, reason, problem);
    }

    private CustomRules? RulesFor(JsonObject obj)
    {
        var (apiVersion, kind) = (obj.String("apiVersion"), obj.String("kind"));
        return CustomRules.Layered(customizations.For(apiVersion, kind), ThirdPartyCustomizations.For(apiVersion, kind));
    }

    private static JsonNode? Run(CustomRule rule, string function, string ruleName, JsonNode?[] arguments)
    {
        try
        {
            return LuaSandbox.Call(rule.Script, function, arguments);
        }
        catch (LuaScriptException e) when (!e.Message.StartsWith(ruleName + " of ", StringComparison.Ordinal))
        {
            throw new LuaScriptException($"{ruleName} of {rule.Source} failed: {e.Message}");
        }
    }

    /// <summary>
    /// Karmada's repair of a Retain result (empty tables come back as arrays): an empty array where the desired or the
    /// observed object has an empty object becomes an object, stays where they have an array, and is removed otherwise.
    /// </summary>
    private static JsonNode? RepairRetained(JsonNode? node, JsonNode? desired, JsonNode? observed)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(kv => kv.Key).ToList())
                {
                    var repaired = RepairRetained(obj[key], (desired as JsonObject)?[key], (observed as JsonObject)?[key]);
                    if (repaired is null && obj[key] is not null) obj.Remove(key);
                    else if (!ReferenceEquals(repaired, obj[key])) obj[key] = repaired;
                }

                return obj;
            case JsonArray { Count: 0 }:
                if (desired is JsonObject || observed is JsonObject) return new JsonObject();
                return desired is JsonArray || observed is JsonArray ? node : null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var repaired = RepairRetained(array[i], (desired as JsonArray)?.ElementAtOrDefault(i), (observed as JsonArray)?.ElementAtOrDefault(i));
                    if (!ReferenceEquals(repaired, array[i])) array[i] = repaired;
                }

                return array;
            default:
                return node;
        }
    }

    /// <summary>Karmada's repair of a reflected status: every nested empty array is removed; an empty result is an empty object.</summary>
    private static JsonObject RepairReflected(JsonObject status)
    {
        foreach (var key in status.Where(kv => kv.Value is JsonArray { Count: 0 }).Select(kv => kv.Key).ToList()) status.Remove(key);
        foreach (var (_, value) in status)
        {
            if (value is JsonObject nested) RepairReflected(nested);
        }

        return status;
    }
}
