using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Servers;
using Kagent.Tests.Onboarding;
using Xunit;

namespace Kagent.Tests.Agent;

/// <summary>
/// Work execution against real API servers: Works built as Karmada's control plane builds them are applied to the
/// member, reported back as karmada-agent reports them (shared/reference/karmada-work.md), kept converged, and
/// removed when deleted.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class WorkExecutionTests(OnboardingFixture onboarding) : IAsyncLifetime
{
    private const string Cluster = "works-a";
    private const string Member = "member3";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _ns = $"shop-{Guid.NewGuid().ToString("N")[..6]}";
    private ServerProcess? _agent;

    private static string ExecutionSpace => KarmadaConstants.ExecutionSpaceFor(Cluster);

    private EntityClient<Work> Works => new(onboarding.ControlPlane.Admin);

    private KubeClient MemberAdmin => onboarding.Fleet.Member(Member).Admin;

    public async Task InitializeAsync()
    {
        _agent = onboarding.StartAgent(Cluster, Member,
            "--cluster-api-endpoint", onboarding.Fleet.Member(Member).Server.Url, "--cluster-status-update-frequency", "1s",
            "--leader-elect-lease-duration", "4s", "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms");
        await onboarding.WaitForPhaseAsync(Cluster, OnboardingConstants.PhasePending, Timeout);
        await onboarding.Registrations.MergePatchAsync(Cluster, new { spec = new { accepted = true } });
        await onboarding.WaitForPhaseAsync(Cluster, OnboardingConstants.PhaseRegistered, Timeout);
    }

    public async Task DisposeAsync()
    {
        foreach (var work in (await Works.ListAsync(ExecutionSpace)).Items) await Works.DeleteAsync(work.Metadata.Name, ExecutionSpace);
        await Eventually.TrueAsync(async () => (await Works.ListAsync(ExecutionSpace)).Items.Count == 0, Timeout, () => "Works removed\n" + AgentLog());
        _agent?.Dispose();
        await onboarding.Registrations.DeleteAsync(Cluster);
        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(Cluster) is null, Timeout, "registration removed");
        await Kagent.Kube.KubeCalls.IgnoreMissingAsync(() => MemberAdmin.CoreV1.DeleteNamespaceAsync(_ns));
    }

    [Fact]
    public async Task Works_are_applied_reported_kept_converged_and_removed_as_karmada_agent_does()
    {
        // The namespace arrives as its own Work (Karmada's namespace sync), then the workloads.
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, $"{_ns}-namespace", KarmadaWorks.Namespace(_ns)));
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "settings", KarmadaWorks.ConfigMap(_ns, "settings", "v1")));
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "web", KarmadaWorks.Deployment(_ns, "web", 2)));
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "web-svc", KarmadaWorks.Service(_ns, "web")));
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "migrate", KarmadaWorks.Job(_ns, "migrate")));

        foreach (var name in new[] { $"{_ns}-namespace", "settings", "web", "web-svc", "migrate" }) await WaitAppliedAsync(name);

        // In the member, as the manifests say, with Karmada's labels and annotations and nothing of Kagent's own.
        var deployment = await MemberAdmin.AppsV1.ReadNamespacedDeploymentAsync("web", _ns);
        Assert.Equal("true", deployment.Metadata.Labels[WorkConstants.ManagedLabel]);
        Assert.Equal("web", deployment.Metadata.Annotations[WorkConstants.WorkNameAnnotation]);
        Assert.Equal(ExecutionSpace, deployment.Metadata.Annotations[WorkConstants.WorkNamespaceAnnotation]);
        Assert.DoesNotContain(deployment.Metadata.Labels.Keys.Concat(deployment.Metadata.Annotations.Keys), k => k.Contains("kagent"));
        Assert.Equal(2, deployment.Spec.Replicas);

        // Conditions and manifestStatuses as karmada-agent writes them.
        var web = (await Works.GetAsync("web", ExecutionSpace))!;
        var applied = web.Status.Conditions!.Single(c => c.Type == WorkConstants.ConditionApplied);
        Assert.Equal(("True", "AppliedSuccessful", "Manifest has been successfully applied"), (applied.Status, applied.Reason, applied.Message));
        var dispatching = web.Status.Conditions!.Single(c => c.Type == WorkConstants.ConditionDispatching);
        Assert.Equal(("True", "Dispatching", "Work is being dispatched to member clusters."), (dispatching.Status, dispatching.Reason, dispatching.Message));
        var entry = Assert.Single(web.Status.ManifestStatuses!);
        Assert.Equal((0, "apps", "v1", "Deployment", "", _ns, "web"),
            (entry.Identifier.Ordinal, entry.Identifier.Group, entry.Identifier.Version, entry.Identifier.Kind, entry.Identifier.Resource, entry.Identifier.Namespace, entry.Identifier.Name));

        // No controller runs in the member: the Deployment is Unhealthy until its status says it rolled out.
        Assert.Equal(WorkConstants.Unhealthy, entry.Health);
        deployment.Status = new V1DeploymentStatus { Replicas = 2, UpdatedReplicas = 2, ReadyReplicas = 2, AvailableReplicas = 2, ObservedGeneration = deployment.Metadata.Generation };
        await MemberAdmin.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, "web", _ns);
        web = await WaitWorkAsync("web", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.Healthy, "Deployment Healthy");
        var reflected = web.Status.ManifestStatuses![0].Status!;
        Assert.Equal(deployment.Metadata.Generation, (long?)reflected["generation"]);
        Assert.Equal(4, (long?)reflected["resourceTemplateGeneration"]);
        Assert.Equal(2, (long?)reflected["availableReplicas"]);
        Assert.Equal(deployment.Metadata.Generation, (long?)reflected["observedGeneration"]);

        // A ClusterIP Service reflects no status and is Healthy; the core group is omitted from the identifier.
        var service = (await Works.GetAsync("web-svc", ExecutionSpace))!.Status.ManifestStatuses!.Single();
        Assert.Equal((WorkConstants.Healthy, null, null), (service.Health, service.Status, service.Identifier.Group));

        // Drift: an edit is reverted, a deletion re-created, a removed label put back.
        var settings = await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("settings", _ns);
        settings.Data["key"] = "edited by hand";
        await MemberAdmin.CoreV1.ReplaceNamespacedConfigMapAsync(settings, "settings", _ns);
        await WaitMemberConfigMapAsync("settings", c => c.Data["key"] == "v1", "hand edit reverted");
        await MemberAdmin.CoreV1.DeleteNamespacedConfigMapAsync("settings", _ns);
        await WaitMemberConfigMapAsync("settings", c => c.Data["key"] == "v1", "deleted ConfigMap re-created");
        settings = await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("settings", _ns);
        settings.Metadata.Labels.Remove(WorkConstants.ManagedLabel);
        await MemberAdmin.CoreV1.ReplaceNamespacedConfigMapAsync(settings, "settings", _ns);
        await WaitMemberConfigMapAsync("settings", c => c.Metadata.Labels is { } labels && labels.TryGetValue(WorkConstants.ManagedLabel, out var managed) && managed == "true", "label put back");

        // A change of the Work in the control plane reaches the member.
        var work = (await Works.GetAsync("settings", ExecutionSpace))!;
        work.Spec.Workload!.Manifests![0]["data"]!["key"] = "v2";
        await Works.ReplaceAsync(work);
        await WaitMemberConfigMapAsync("settings", c => c.Data["key"] == "v2", "Work change applied");

        // Deleting a Work deletes what it applied, then the finalizer goes and so does the Work.
        await Works.DeleteAsync("settings", ExecutionSpace);
        await Eventually.TrueAsync(async () => await Works.GetAsync("settings", ExecutionSpace) is null, Timeout, () => "Work gone\n" + AgentLog());
        await Eventually.TrueAsync(async () => !await MemberHasConfigMapAsync("settings"), Timeout, "member ConfigMap deleted");
    }

    [Fact]
    public async Task Suspension_preservation_conflicts_and_bad_manifests_behave_and_report_as_karmada_agent_does()
    {
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, $"{_ns}-namespace", KarmadaWorks.Namespace(_ns)));
        await WaitAppliedAsync($"{_ns}-namespace");

        // suspendDispatching: nothing applied, Dispatching False; resumed: applied.
        var suspended = KarmadaWorks.Create(Cluster, "paused", KarmadaWorks.ConfigMap(_ns, "paused", "v1"));
        suspended.Spec.SuspendDispatching = true;
        await Works.CreateAsync(suspended);
        var paused = await WaitWorkAsync("paused", w => Condition(w, WorkConstants.ConditionDispatching)?.Reason == WorkConstants.ReasonSuspendDispatching, "suspended");
        Assert.Equal(("False", "Work dispatching is in a suspended state."), (Condition(paused, WorkConstants.ConditionDispatching)!.Status, Condition(paused, WorkConstants.ConditionDispatching)!.Message));
        Assert.False(await MemberHasConfigMapAsync("paused"));
        paused.Spec.SuspendDispatching = false;
        await Works.ReplaceAsync(paused);
        await WaitAppliedAsync("paused");
        Assert.True(await MemberHasConfigMapAsync("paused"));

        // preserveResourcesOnDeletion: the object stays, without Karmada's marks.
        var kept = KarmadaWorks.Create(Cluster, "kept", KarmadaWorks.ConfigMap(_ns, "kept", "v1"));
        kept.Spec.PreserveResourcesOnDeletion = true;
        await Works.CreateAsync(kept);
        await WaitAppliedAsync("kept");
        await Works.DeleteAsync("kept", ExecutionSpace);
        await Eventually.TrueAsync(async () => await Works.GetAsync("kept", ExecutionSpace) is null, Timeout, () => "preserving Work gone\n" + AgentLog());
        var survivor = await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("kept", _ns);
        Assert.Equal("v1", survivor.Data["key"]);
        Assert.DoesNotContain(survivor.Metadata.Labels ?? new Dictionary<string, string>(), l => WorkConstants.ManagedResourceLabels.Contains(l.Key));
        Assert.DoesNotContain(survivor.Metadata.Annotations ?? new Dictionary<string, string>(), a => WorkConstants.ManagedResourceAnnotations.Contains(a.Key));

        // Conflict: an object Karmada did not create is left alone and reported; with overwrite it is taken over.
        await MemberAdmin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "theirs", NamespaceProperty = _ns }, Data = new Dictionary<string, string> { ["key"] = "theirs" },
        }, _ns);
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "theirs", KarmadaWorks.ConfigMap(_ns, "theirs", "ours")));
        var refused = await WaitWorkAsync("theirs", w => Condition(w, WorkConstants.ConditionApplied)?.Status == "False", "conflict reported");
        Assert.Equal(WorkConstants.ReasonAppliedFailed, Condition(refused, WorkConstants.ConditionApplied)!.Reason);
        Assert.Equal($"Failed to apply all manifests (0/1): resource(kind=ConfigMap, {_ns}/theirs) already exists in the cluster {Cluster} and the " +
                     "work.karmada.io/conflict-resolution strategy value is empty, Karmada will not manage this resource", Condition(refused, WorkConstants.ConditionApplied)!.Message);
        Assert.Equal("theirs", (await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("theirs", _ns)).Data["key"]);
        refused.Spec.Workload!.Manifests![0]["metadata"]!["annotations"]![WorkConstants.ConflictResolutionAnnotation] = WorkConstants.ConflictOverwrite;
        await Works.ReplaceAsync(refused);
        await WaitMemberConfigMapAsync("theirs", c => c.Data["key"] == "ours" && c.Metadata.Labels?[WorkConstants.ManagedLabel] == "true", "taken over with overwrite");
        await WaitAppliedAsync("theirs");

        // Bad manifests: each says why in the condition; the good one in the same Work is still applied. The
        // oversized ConfigMap fits in the control plane's Work but exceeds what the member accepts for its kind.
        var mixed = KarmadaWorks.Create(Cluster, "mixed",
            new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Nothing", ["metadata"] = new JsonObject { ["name"] = "x", ["namespace"] = _ns } },
            KarmadaWorks.ConfigMap(_ns, "mixed-good", "v1"),
            KarmadaWorks.ConfigMap("no-such-namespace", "orphan", "v1"),
            KarmadaWorks.ConfigMap(_ns, "oversized", new string('x', 1_100_000)));
        await onboarding.ControlPlane.EnsureNamespaceAsync(_ns);   // where the resource templates live in Karmada
        await Works.CreateAsync(mixed);
        var failed = await WaitWorkAsync("mixed", w => Condition(w, WorkConstants.ConditionApplied)?.Status == "False", "bad manifests reported");
        var message = Condition(failed, WorkConstants.ConditionApplied)!.Message;
        Assert.StartsWith("Failed to apply all manifests (1/4): [", message);
        Assert.Contains("does not serve example.com/v1 Nothing", message);
        Assert.Contains("namespaces \"no-such-namespace\" not found", message);
        Assert.Contains("ConfigMap \"oversized\" is invalid", message);
        Assert.Contains("must have at most 1048576 bytes", message);

        // Each failed manifest's resource template in the control plane gets Karmada's SyncFailed event (uid from
        // the manifest's resourcetemplate.karmada.io/uid), where `kubectl describe` of the template shows it.
        var templateUid = mixed.Spec.Workload!.Manifests![3]["metadata"]!["annotations"]![WorkConstants.TemplateUidAnnotation]!.GetValue<string>();
        var onTemplate = await Eventually.MatchAsync(
            async () => (await onboarding.ControlPlane.Admin.CoreV1.ListNamespacedEventAsync(_ns, fieldSelector: "involvedObject.name=oversized")).Items,
            events => events.Any(e => e.Reason == WorkConstants.EventSyncFailed), Timeout, "SyncFailed on the oversized ConfigMap's template");
        var syncFailed = onTemplate.First(e => e.Reason == WorkConstants.EventSyncFailed);
        Assert.Equal(("Warning", "ConfigMap", templateUid), (syncFailed.Type, syncFailed.InvolvedObject.Kind, syncFailed.InvolvedObject.Uid));
        Assert.StartsWith($"Failed to create or update resource({_ns}/oversized) in member cluster({Cluster}): ConfigMap \"oversized\" is invalid", syncFailed.Message);
        Assert.True(await MemberHasConfigMapAsync("mixed-good"));
        Assert.Equal(1, Assert.Single(failed.Status.ManifestStatuses!).Identifier.Ordinal);
    }

    [Fact]
    public async Task Objects_already_as_the_work_says_are_taken_over_and_a_restarted_agent_writes_nothing()
    {
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, $"{_ns}-namespace", KarmadaWorks.Namespace(_ns)));
        await WaitAppliedAsync($"{_ns}-namespace");

        // As karmada-agent left it: the member object created from the manifest, before Kagent runs the Work.
        var work = KarmadaWorks.Create(Cluster, "inherited", KarmadaWorks.ConfigMap(_ns, "inherited", "v1"));
        using (await MemberAdmin.SendAsync(HttpMethod.Post, $"api/v1/namespaces/{_ns}/configmaps", work.Spec.Workload!.Manifests![0]))
        {
        }

        var before = (await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("inherited", _ns)).Metadata.ResourceVersion;
        await Works.CreateAsync(work);
        var applied = await WaitWorkAsync("inherited", w => Condition(w, WorkConstants.ConditionApplied)?.Status == "True" && w.Status.ManifestStatuses is { Count: 1 }, "inherited Work applied");
        Assert.Equal(before, (await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("inherited", _ns)).Metadata.ResourceVersion);

        // A Deployment with a reflected status: the control plane stores it with its keys sorted, which is no change.
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "rolled-out", KarmadaWorks.Deployment(_ns, "rolled-out", 1)));
        await WaitAppliedAsync("rolled-out");
        var deployment = await MemberAdmin.AppsV1.ReadNamespacedDeploymentAsync("rolled-out", _ns);
        deployment.Status = new V1DeploymentStatus { Replicas = 1, UpdatedReplicas = 1, ReadyReplicas = 1, AvailableReplicas = 1, ObservedGeneration = deployment.Metadata.Generation };
        await MemberAdmin.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, "rolled-out", _ns);
        var rolledOut = await WaitWorkAsync("rolled-out", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.Healthy, "rolled-out Healthy");

        // A new agent process reconciles every Work again: no member write, no status write.
        _agent!.Dispose();
        var metricsPort = FreePort.Next();
        _agent = onboarding.StartAgent(Cluster, Member, "--cluster-api-endpoint", onboarding.Fleet.Member(Member).Server.Url,
            "--metrics-bind-address", $"127.0.0.1:{metricsPort}", "--leader-elect-lease-duration", "4s", "--leader-elect-renew-deadline", "3s", "--leader-elect-retry-period", "500ms");
        var works = (await Works.ListAsync(ExecutionSpace)).Items.Count;
        await Eventually.TrueAsync(async () => (await Kagent.Testing.Metrics.MetricsScrape.FetchAsync(metricsPort)).Value("kagent_reconciles_total", ("controller", "Work"), ("result", "success")) >= works,
            Timeout, () => "restarted agent reconciled every Work\n" + AgentLog());
        Assert.Equal(before, (await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync("inherited", _ns)).Metadata.ResourceVersion);
        Assert.Equal(applied.Metadata.ResourceVersion, (await Works.GetAsync("inherited", ExecutionSpace))!.Metadata.ResourceVersion);
        Assert.Equal(rolledOut.Metadata.ResourceVersion, (await Works.GetAsync("rolled-out", ExecutionSpace))!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Resource_interpreter_customizations_change_what_works_report_and_a_bad_script_is_reported_within_its_bound()
    {
        var customizations = new EntityClient<ResourceInterpreterCustomization>(onboarding.ControlPlane.Admin);
        var customization = new ResourceInterpreterCustomization
        {
            Metadata = new V1ObjectMeta { Name = $"works-test-{_ns}" },
            Spec = new ResourceInterpreterCustomizationSpec
            {
                Target = new CustomizationTarget { ApiVersion = "apps/v1", Kind = "Deployment" },
                Customizations = new CustomizationRules
                {
                    HealthInterpretation = new LuaScriptRule { LuaScript = "function InterpretHealth(observedObj) return observedObj.spec.replicas == 3 end" },
                    StatusReflection = new LuaScriptRule { LuaScript = "function ReflectStatus(observedObj) return { wanted = observedObj.spec.replicas, source = 'lua' } end" },
                },
            },
        };
        await customizations.CreateAsync(customization);
        try
        {
            await Works.CreateAsync(KarmadaWorks.Create(Cluster, $"{_ns}-namespace", KarmadaWorks.Namespace(_ns)));
            await Works.CreateAsync(KarmadaWorks.Create(Cluster, "scripted", KarmadaWorks.Deployment(_ns, "scripted", 3)));
            await Works.CreateAsync(KarmadaWorks.Create(Cluster, "plain", KarmadaWorks.ConfigMap(_ns, "plain", "v1")));

            // No controller runs in the member, so the built-in rule would say Unhealthy; the script says Healthy.
            var scripted = await WaitWorkAsync("scripted", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.Healthy, "Healthy by the script");
            var reflected = scripted.Status.ManifestStatuses![0].Status!;
            Assert.Equal((3L, "lua", 2), ((long)reflected["wanted"]!, (string?)reflected["source"], reflected.Count));

            // A script that never ends: Unknown health and the Interpreted condition say why, within the bound.
            var current = (await customizations.GetAsync(customization.Metadata.Name))!;
            current.Spec.Customizations.HealthInterpretation = new LuaScriptRule { LuaScript = "function InterpretHealth(observedObj) while true do end end" };
            await customizations.ReplaceAsync(current);
            var failing = await WaitWorkAsync("scripted", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.HealthUnknown, "Unknown after the looping script");
            var interpreted = Condition(failing, WorkConstants.ConditionInterpreted)!;
            Assert.Equal(("False", "InterpretHealthFailed"), (interpreted.Status, interpreted.Reason));
            Assert.Contains("exceeded its time limit of 1s", interpreted.Message);
            Assert.Contains($"ResourceInterpreterCustomization {customization.Metadata.Name}", interpreted.Message);
            Assert.Equal("True", Condition(failing, WorkConstants.ConditionApplied)!.Status);

            // Other Works are not held up.
            var plain = (await Works.GetAsync("plain", ExecutionSpace))!;
            Assert.Equal("True", Condition(plain, WorkConstants.ConditionApplied)?.Status);
        }
        finally
        {
            await customizations.DeleteAsync(customization.Metadata.Name);
        }

        // Without the customization the built-in rules answer again, and the condition turns True.
        var restored = await WaitWorkAsync("scripted", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.Unhealthy, "built-in rule again");
        Assert.Equal("True", Condition(restored, WorkConstants.ConditionInterpreted)!.Status);
    }

    [Fact]
    public async Task Other_projects_kinds_are_reported_by_karmadas_built_in_rules()
    {
        await Kagent.Testing.Fixtures.ControlPlane.InstallCrdsAsync(MemberAdmin, [CloneSetCrd()], CancellationToken.None);
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, $"{_ns}-namespace", KarmadaWorks.Namespace(_ns)));
        await Works.CreateAsync(KarmadaWorks.Create(Cluster, "clones", new JsonObject
        {
            ["apiVersion"] = "apps.kruise.io/v1alpha1", ["kind"] = "CloneSet",
            ["metadata"] = new JsonObject { ["name"] = "clones", ["namespace"] = _ns },
            ["spec"] = new JsonObject { ["replicas"] = 2 },
        }));

        // No controller has written a status yet: Karmada's rule reads it unchecked, so the health is Unknown and says why.
        var pending = await WaitWorkAsync("clones", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.HealthUnknown, "Unknown without a status");
        Assert.Equal("True", Condition(pending, WorkConstants.ConditionApplied)!.Status);
        var interpreted = Condition(pending, WorkConstants.ConditionInterpreted)!;
        Assert.Equal(("False", "InterpretHealthFailed"), (interpreted.Status, interpreted.Reason));
        Assert.Contains("the built-in customization for CloneSet (apps.kruise.io/v1alpha1)", interpreted.Message);

        // The controller's status: the rule's fields with both generations, nothing else; not all available yet.
        var path = $"/apis/apps.kruise.io/v1alpha1/namespaces/{_ns}/clonesets/clones";
        async Task<JsonObject> ReadAsync()
        {
            using var response = await MemberAdmin.SendAsync(HttpMethod.Get, path);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        }

        var generation = (long)(await ReadAsync())["metadata"]!["generation"]!;
        async Task SetStatusAsync(int available)
        {
            var clones = await ReadAsync();
            clones["status"] = new JsonObject
            {
                ["observedGeneration"] = generation, ["replicas"] = 2, ["updatedReplicas"] = 2, ["readyReplicas"] = 2, ["availableReplicas"] = available,
                ["labelSelector"] = "app=clones", ["collisionCount"] = 0,
            };
            using var response = await MemberAdmin.SendAsync(HttpMethod.Put, path + "/status", clones);
        }

        await SetStatusAsync(available: 1);
        var rolling = await WaitWorkAsync("clones", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.Unhealthy, "Unhealthy while rolling out");
        var reflected = rolling.Status.ManifestStatuses![0].Status!;
        Assert.Equal((generation, 4L, 1L, "app=clones"),
            ((long)reflected["generation"]!, (long)reflected["resourceTemplateGeneration"]!, (long)reflected["availableReplicas"]!, (string?)reflected["labelSelector"]));
        Assert.False(reflected.ContainsKey("collisionCount"));

        await SetStatusAsync(available: 2);
        var healthy = await WaitWorkAsync("clones", w => w.Status.ManifestStatuses?.SingleOrDefault()?.Health == WorkConstants.Healthy, "Healthy once rolled out");
        Assert.Equal("True", Condition(healthy, WorkConstants.ConditionInterpreted)!.Status);
    }

    private static V1CustomResourceDefinition CloneSetCrd()
    {
        var open = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true };
        return new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "clonesets.apps.kruise.io" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "apps.kruise.io",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = "clonesets", Kind = "CloneSet" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1alpha1", Served = true, Storage = true,
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                        Schema = new V1CustomResourceValidation
                        {
                            OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", Properties = new Dictionary<string, V1JSONSchemaProps> { ["spec"] = open, ["status"] = open } },
                        },
                    },
                ],
            },
        };
    }

    [Fact]
    public async Task An_agent_reaches_the_works_of_its_own_execution_namespace_only()
    {
        const string other = "karmada-es-works-other";
        await onboarding.ControlPlane.EnsureNamespaceAsync(other);
        await new EntityClient<Work>(onboarding.ControlPlane.Admin).CreateAsync(KarmadaWorks.Create("works-other", "not-yours", KarmadaWorks.ConfigMap("default", "x", "v")));
        using var agent = onboarding.ControlPlane.ClientFor(OnboardingConstants.AgentUserFor(Cluster), OnboardingConstants.AgentGroup);
        var works = new EntityClient<Work>(agent);

        Assert.NotNull(await works.ListAsync(ExecutionSpace));
        foreach (var attempt in new Func<Task>[]
                 {
                     () => works.ListAsync(other),
                     () => works.GetAsync("not-yours", other),
                     () => works.MergePatchAsync("not-yours", new { metadata = new { finalizers = Array.Empty<string>() } }, other),
                     () => works.CreateAsync(KarmadaWorks.Create(Cluster, "made-by-agent", KarmadaWorks.ConfigMap("default", "y", "v"))),
                 })
        {
            var denied = await Assert.ThrowsAsync<HttpOperationException>(attempt);
            Assert.Equal(HttpStatusCode.Forbidden, denied.Response.StatusCode);
        }

        await onboarding.ControlPlane.Admin.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(new { metadata = new { finalizers = Array.Empty<string>() } }, V1Patch.PatchType.MergePatch),
            WorkConstants.Group, WorkConstants.Version, other, "works", "not-yours");
        await Works.DeleteAsync("not-yours", other);
    }

    private static V1Condition? Condition(Work work, string type) => work.Status.Conditions?.FirstOrDefault(c => c.Type == type);

    private string AgentLog() => _agent?.LogTail(30) ?? "";

    private Task WaitAppliedAsync(string name) =>
        WaitWorkAsync(name, w => Condition(w, WorkConstants.ConditionApplied)?.Status == "True", $"Work {name} Applied");

    private async Task<Work> WaitWorkAsync(string name, Func<Work, bool> condition, string what) =>
        (await Eventually.MatchAsync(() => Works.GetAsync(name, ExecutionSpace), w => w is not null && condition(w), Timeout, () => what + "\n" + AgentLog()))!;

    private Task WaitMemberConfigMapAsync(string name, Func<V1ConfigMap, bool> condition, string what) =>
        Eventually.TrueAsync(async () => condition(await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync(name, _ns)), Timeout, () => what + "\n" + AgentLog());

    private async Task<bool> MemberHasConfigMapAsync(string name)
    {
        try
        {
            await MemberAdmin.CoreV1.ReadNamespacedConfigMapAsync(name, _ns);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
