using System.Text.Json.Nodes;
using Kagent.Agent.Works.Customizations;
using Kagent.Api.Karmada;
using Xunit;

namespace Kagent.UnitTests.Agent;

/// <summary>
/// Karmada's built-in rules for other projects' kinds (shared/reference/karmada-work.md, "third-party"): what each
/// family reports, that a customization still answers first, and that every script runs.
/// </summary>
public sealed class ThirdPartyCustomizationsTests
{
    private readonly ResourceInterpreter _interpreter = new(LuaSandboxTests.Customizations());

    public static TheoryData<string, string> Healths => new()
    {
        // OpenKruise workloads: rolled out when the generation is observed and every updated replica is available.
        { """{"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet","metadata":{"generation":2},"spec":{"replicas":2},"status":{"observedGeneration":2,"updatedReplicas":2,"availableReplicas":2}}""", WorkConstants.Healthy },
        { """{"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet","metadata":{"generation":2},"spec":{"replicas":2},"status":{"observedGeneration":1,"updatedReplicas":2,"availableReplicas":2}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"apps.kruise.io/v1beta1","kind":"StatefulSet","metadata":{"generation":1},"spec":{"replicas":3},"status":{"observedGeneration":1,"updatedReplicas":3,"availableReplicas":2}}""", WorkConstants.Unhealthy },
        // Karmada's rule reads the status unchecked: without one, the health is unknown (and the Work says why).
        { """{"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet","metadata":{"generation":1},"spec":{"replicas":1}}""", WorkConstants.HealthUnknown },
        { """{"apiVersion":"apps.kruise.io/v1alpha1","kind":"UnitedDeployment","metadata":{"generation":1},"spec":{"replicas":1}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"apps.kruise.io/v1alpha1","kind":"SidecarSet","status":{"matchedPods":0}}""", WorkConstants.Healthy },
        { """{"apiVersion":"apps.kruise.io/v1alpha1","kind":"BroadcastJob","status":{"desired":2,"failed":0,"succeeded":0,"active":0}}""", WorkConstants.Unhealthy },
        // Flux: Ready=True with the kind's reasons.
        { """{"apiVersion":"helm.toolkit.fluxcd.io/v2beta1","kind":"HelmRelease","status":{"conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded"}]}}""", WorkConstants.Healthy },
        { """{"apiVersion":"helm.toolkit.fluxcd.io/v2beta1","kind":"HelmRelease","status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded"}]}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"source.toolkit.fluxcd.io/v1beta2","kind":"HelmChart","status":{"conditions":[{"type":"Ready","status":"True","reason":"ChartPullSucceeded"}]}}""", WorkConstants.Healthy },
        { """{"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"GitRepository","status":{}}""", WorkConstants.Unhealthy },
        // Kyverno: status.ready first.
        { """{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","status":{"ready":false,"conditions":[{"type":"Ready","status":"True","reason":"Succeeded"}]}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"kyverno.io/v1","kind":"Policy","status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded"}]}}""", WorkConstants.Healthy },
        // Jobs and workflows by their phase or conditions.
        { """{"apiVersion":"batch.volcano.sh/v1alpha1","kind":"Job","status":{"state":{"phase":"Aborted"}}}""", WorkConstants.Healthy },
        { """{"apiVersion":"batch.volcano.sh/v1alpha1","kind":"Job","status":{"state":{"phase":"Failed"}}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","status":{"phase":"Error"}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"kubeflow.org/v1","kind":"PyTorchJob","status":{"conditions":[{"type":"Running","status":"True"}]}}""", WorkConstants.Healthy },
        { """{"apiVersion":"kubeflow.org/v2beta1","kind":"MPIJob","status":{"conditions":[]}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"kubeflow.org/v1","kind":"Notebook","status":{"containerState":{"terminated":{"reason":"Completed","exitCode":0}}}}""", WorkConstants.Healthy },
        { """{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkDeployment","status":{"jobStatus":{"state":"CREATED"},"error":"Back-off: ImagePullBackOff"}}""", WorkConstants.Healthy },
        { """{"apiVersion":"flink.apache.org/v1beta1","kind":"FlinkDeployment","status":{"jobStatus":{"state":"CREATED"}}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"ray.io/v1","kind":"RayCluster","status":{"conditions":[{"type":"HeadPodReady","status":"True"},{"type":"RayClusterProvisioned","status":"True"}]}}""", WorkConstants.Healthy },
        { """{"apiVersion":"ray.io/v1","kind":"RayJob","status":{"jobDeploymentStatus":"Complete","jobStatus":"FAILED"}}""", WorkConstants.Unhealthy },
        { """{"apiVersion":"sparkoperator.k8s.io/v1beta2","kind":"SparkApplication","status":{"applicationState":{"state":"SUBMITTED"}}}""", WorkConstants.Healthy },
        // Only Karmada's apiVersions: a HelmRelease at v2 gets the native rules (no rule: Healthy).
        { """{"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","status":{}}""", WorkConstants.Healthy },
    };

    [Theory]
    [MemberData(nameof(Healths))]
    public void Health_is_judged_by_karmadas_rule_for_the_kind(string json, string health) =>
        Assert.Equal(health, _interpreter.Interpret(JsonNode.Parse(json)!.AsObject()).Health);

    [Fact]
    public void Status_carries_the_rules_fields_and_both_generations()
    {
        var cloneSet = JsonNode.Parse("""
            {"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet",
             "metadata":{"generation":3,"annotations":{"resourcetemplate.karmada.io/generation":"7"}},
             "status":{"replicas":2,"availableReplicas":2,"updatedReplicas":2,"observedGeneration":3,"labelSelector":"app=web","collisionCount":1}}
            """)!.AsObject();
        Assert.Equal("""{"availableReplicas":2,"generation":3,"labelSelector":"app=web","observedGeneration":3,"replicas":2,"resourceTemplateGeneration":7,"updatedReplicas":2}""",
            _interpreter.Interpret(cloneSet).Status!.ToJsonString());

        // As in Karmada: a HelmChart reports no observedGeneration; a SidecarSet's counters default to 0.
        var chart = JsonNode.Parse("""{"apiVersion":"source.toolkit.fluxcd.io/v1beta2","kind":"HelmChart","metadata":{"generation":1},"status":{"observedGeneration":1,"url":"u"}}""")!.AsObject();
        Assert.Equal("""{"generation":1,"url":"u"}""", _interpreter.Interpret(chart).Status!.ToJsonString());
        var sidecars = JsonNode.Parse("""{"apiVersion":"apps.kruise.io/v1alpha1","kind":"SidecarSet","status":{"matchedPods":3}}""")!.AsObject();
        Assert.Equal("""{"matchedPods":3,"readyPods":0,"updatedPods":0}""", _interpreter.Interpret(sidecars).Status!.ToJsonString());

        // An MPIJob's replica statuses keep their counters and selector only.
        var mpi = JsonNode.Parse("""{"apiVersion":"kubeflow.org/v2beta1","kind":"MPIJob","status":{"replicaStatuses":{"Worker":{"active":2,"extra":1}},"startTime":"t"}}""")!.AsObject();
        Assert.Equal("""{"replicaStatuses":{"Worker":{"active":2}},"startTime":"t"}""", _interpreter.Interpret(mpi).Status!.ToJsonString());
    }

    [Fact]
    public void Retention_keeps_what_the_member_decides()
    {
        var desired = JsonNode.Parse("""{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","metadata":{"name":"w"},"spec":{"suspend":false,"entrypoint":"main"}}""")!.AsObject();
        var observed = JsonNode.Parse("""{"apiVersion":"argoproj.io/v1alpha1","kind":"Workflow","metadata":{"name":"w"},"spec":{"suspend":true},"status":{"phase":"Running"}}""")!.AsObject();
        var retained = _interpreter.Retain(desired, observed);
        Assert.Equal((true, "main", "Running"), ((bool)retained["spec"]!["suspend"]!, (string?)retained["spec"]!["entrypoint"], (string?)retained["status"]!["phase"]));

        var release = JsonNode.Parse("""{"apiVersion":"helm.toolkit.fluxcd.io/v2beta1","kind":"HelmRelease","metadata":{"name":"r"},"spec":{"interval":"5m"}}""")!.AsObject();
        var suspended = JsonNode.Parse("""{"apiVersion":"helm.toolkit.fluxcd.io/v2beta1","kind":"HelmRelease","metadata":{"name":"r"},"spec":{"interval":"5m","suspend":true}}""")!.AsObject();
        Assert.True((bool)_interpreter.Retain(release, suspended)["spec"]!["suspend"]!);
    }

    [Fact]
    public void A_customization_answers_first_rule_by_rule()
    {
        var customizations = LuaSandboxTests.Customizations();
        customizations.Load([LuaSandboxTests.Customization("clonesets", "apps.kruise.io/v1alpha1", "CloneSet", health: "function InterpretHealth(o) return true end")]);
        var interpreted = new ResourceInterpreter(customizations).Interpret(JsonNode.Parse("""
            {"apiVersion":"apps.kruise.io/v1alpha1","kind":"CloneSet","metadata":{"generation":1},"status":{"replicas":1,"observedGeneration":0,"extra":true}}
            """)!.AsObject());

        // The customization's health; the built-in status rule still answers the status.
        Assert.Equal(WorkConstants.Healthy, interpreted.Health);
        Assert.Equal("""{"generation":1,"observedGeneration":0,"replicas":1}""", interpreted.Status!.ToJsonString());
    }

    [Fact]
    public void A_built_in_rules_error_names_the_line_of_its_own_script()
    {
        // Kruise's DaemonSet health rule reads status fields on its third line; without a status that line fails.
        var daemonSet = JsonNode.Parse("""{"apiVersion":"apps.kruise.io/v1alpha1","kind":"DaemonSet","metadata":{"generation":1}}""")!.AsObject();

        var interpreted = _interpreter.Interpret(daemonSet);

        Assert.Equal(WorkConstants.HealthUnknown, interpreted.Health);
        Assert.Contains("DaemonSet (apps.kruise.io/v1alpha1)", interpreted.Problem);
        Assert.Contains("]:3: attempt to index a nil value (local 's')", interpreted.Problem);
    }

    [Fact]
    public void Every_built_in_script_runs()
    {
        foreach (var kind in ThirdPartyCustomizations.Kinds)
        {
            var at = kind.LastIndexOf('/');
            var observed = new JsonObject
            {
                ["apiVersion"] = kind[..at], ["kind"] = kind[(at + 1)..], ["metadata"] = new JsonObject { ["name"] = "x", ["generation"] = 1 },
                ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject() } }, ["status"] = new JsonObject { ["conditions"] = new JsonArray() },
            };
            var interpreted = _interpreter.Interpret(observed);
            Assert.True(interpreted.Problem is null || interpreted.Problem.Contains("attempt to compare", StringComparison.Ordinal), $"{kind}: {interpreted.Problem}");
            _interpreter.Retain((JsonObject)observed.DeepClone(), observed);
        }

        Assert.Equal(26, ThirdPartyCustomizations.Kinds.Count);
    }
}
