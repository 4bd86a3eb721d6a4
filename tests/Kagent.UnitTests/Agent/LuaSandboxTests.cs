using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Kagent.Agent.Works.Customizations;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Operator.Controllers;
using Kagent.Operator.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Kagent.UnitTests.Agent;

/// <summary>
/// ResourceInterpreterCustomization scripts run as Karmada runs them, in a sandbox: the function contract, the
/// libraries, the forbidden functions, the time and memory bounds, and the JSON repairs. The scripts are shaped like
/// Karmada's shipped customizations (thirdparty/resourcecustomizations, e.g. OpenKruise CloneSet).
/// </summary>
public sealed class LuaSandboxTests
{
    private static readonly JsonObject CloneSet = JsonNode.Parse("""
        {"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet","metadata":{"name":"web","namespace":"shop","generation":3},
         "spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"web","image":"nginx"}]}}},
         "status":{"observedGeneration":3,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":2,"labelSelector":"app=web","conditions":[]}}
        """)!.AsObject();

    private const string CloneSetHealth = """
        function InterpretHealth(observedObj)
          if observedObj.status.observedGeneration ~= observedObj.metadata.generation then
            return false
          end
          if observedObj.spec.replicas ~= nil then
            if observedObj.status.updatedReplicas < observedObj.spec.replicas then
              return false
            end
          end
          if observedObj.status.availableReplicas < observedObj.status.updatedReplicas then
            return false
          end
          return true
        end
        """;

    private const string CloneSetStatus = """
        function ReflectStatus (observedObj)
          status = {}
          if observedObj == nil or observedObj.status == nil then
            return status
          end
          status.replicas = observedObj.status.replicas
          status.availableReplicas = observedObj.status.availableReplicas
          status.labelSelector = observedObj.status.labelSelector
          status.conditions = observedObj.status.conditions
          status.half = observedObj.status.replicas / 3
          return status
        end
        """;

    [Fact]
    public void Scripts_shaped_like_karmadas_answer_as_karmada_does()
    {
        Assert.False(LuaSandbox.Call(CloneSetHealth, "InterpretHealth", [CloneSet])!.GetValue<bool>());
        var healthy = CloneSet.DeepClone().AsObject();
        healthy["status"]!["availableReplicas"] = 3;
        Assert.True(LuaSandbox.Call(CloneSetHealth, "InterpretHealth", [healthy])!.GetValue<bool>());

        var status = LuaSandbox.Call(CloneSetStatus, "ReflectStatus", [CloneSet])!.AsObject();
        Assert.Equal(3, (long)status["replicas"]!);
        Assert.Equal("app=web", (string?)status["labelSelector"]);
        Assert.Equal(1, (long)status["half"]!);   // 3 / 3 is the float 1.0 in Lua 5.4; JSON gets 1, as from Karmada's Lua 5.1
        Assert.IsType<JsonArray>(status["conditions"]);   // an empty table comes back as [] (repaired by the interpreter)
    }

    [Theory]
    [InlineData("function F(o) while true do end end", "time limit")]
    [InlineData("function F(o) local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1024) end end", "not enough memory")]
    [InlineData("function F(o) return string.rep('x', 1e9) end", "not enough memory")]
    [InlineData("function F(o) return setmetatable({}, {}) end", "setmetatable is not allowed")]
    [InlineData("function F(o) return load('return 1')() end", "load is not allowed")]
    [InlineData("function F(o) return string.dump(F) end", "string.dump is not allowed")]
    [InlineData("function F(o) return io.open('/etc/passwd') end", "io")]
    [InlineData("function F(o) return os.execute('true') end", "execute")]
    [InlineData("function F(o) return require('socket') end", "module 'socket' not found")]
    [InlineData("function F(o) return o.spec.nothing.deeper end", "attempt to index")]
    [InlineData("function G(o) return true end", "not found function F")]
    [InlineData("F = 5", "F is not a function: number")]
    [InlineData("function F(o) return true", "expected")]
    public void Bad_scripts_fail_with_a_clear_error_within_their_bound(string script, string expected)
    {
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<LuaScriptException>(() => LuaSandbox.Call(script, "F", [CloneSet]));
        Assert.Contains(expected, error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Lua_5_1_functions_karmadas_scripts_use_are_there()
    {
        const string script = """
            function F(o)
              local a, b = unpack({1, 2})
              return { sum = a + b, n = table.getn({1, 2, 3}), p = math.pow(2, 3), t = type(os.time()), s = string.format("%d", 7) }
            end
            """;
        var result = LuaSandbox.Call(script, "F", [CloneSet])!.AsObject();
        Assert.Equal((3L, 3L, 8L, "number", "7"), ((long)result["sum"]!, (long)result["n"]!, (long)result["p"]!, (string)result["t"]!, (string)result["s"]!));
    }

    [Fact]
    public void The_interpreter_applies_customizations_over_the_built_in_rules_and_repairs_results_as_karmada()
    {
        var customizations = Customizations();
        customizations.Load(
        [
            Customization("a-deployments", "apps/v1", "Deployment", health: "function InterpretHealth(o) return o.spec.replicas == 2 end"),
            Customization("b-deployments", "apps/v1", "Deployment",
                status: "function ReflectStatus(o) return { replicas = o.spec.replicas, empty = {}, nested = { list = {} } } end",
                retention: "function Retain(desired, observed) desired.spec.paused = observed.spec.paused desired.metadata.annotations = {} desired.spec.strategy = {} return desired end"),
        ]);
        var interpreter = new ResourceInterpreter(customizations);
        var deployment = JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","generation":1,"annotations":{}},
             "spec":{"replicas":2,"paused":true,"strategy":{}},"status":{}}
            """)!.AsObject();

        // Health from a-deployments, status from b-deployments (rules merge by name); nested empty arrays removed.
        var interpreted = interpreter.Interpret(deployment);
        Assert.Equal(WorkConstants.Healthy, interpreted.Health);
        Assert.Equal("""{"nested":{},"replicas":2}""", interpreted.Status!.ToJsonString());

        // Retain: what the script kept; {} where desired or observed had {}.
        var desired = JsonNode.Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}""")!.AsObject();
        var retained = interpreter.Retain(desired, deployment);
        Assert.True((bool)retained["spec"]!["paused"]!);
        Assert.IsType<JsonObject>(retained["spec"]!["strategy"]);
        Assert.IsType<JsonObject>(retained["metadata"]!["annotations"]);

        // A failing script: health Unknown and the reason, the status still reflected.
        customizations.Load([Customization("c", "apps/v1", "Deployment", health: "function InterpretHealth(o) return 'yes' end")]);
        var failed = interpreter.Interpret(deployment);
        Assert.Equal((WorkConstants.HealthUnknown, "InterpretHealthFailed"), (failed.Health, failed.ProblemReason));
        Assert.Equal("healthInterpretation of ResourceInterpreterCustomization c failed: result type string is not bool", failed.Problem);
    }

    internal static InterpreterCustomizations Customizations() =>
        new(new KubeClient(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }), new ControllerTrigger<Work>(), new RuntimeHealth(), NullLogger<InterpreterCustomizations>.Instance);

    internal static ResourceInterpreterCustomization Customization(string name, string apiVersion, string kind, string? health = null, string? status = null, string? retention = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new ResourceInterpreterCustomizationSpec
        {
            Target = new CustomizationTarget { ApiVersion = apiVersion, Kind = kind },
            Customizations = new CustomizationRules
            {
                HealthInterpretation = health is null ? null : new LuaScriptRule { LuaScript = health },
                StatusReflection = status is null ? null : new LuaScriptRule { LuaScript = status },
                Retention = retention is null ? null : new LuaScriptRule { LuaScript = retention },
            },
        },
    };
}
