namespace Kagent.Agent.Works.Customizations;

/// <summary>
/// The agent-side rules (retention, status reflection, health) Karmada builds in for other projects' kinds
/// (OpenKruise, Argo Workflows, Volcano, Flink, Flux, Kubeflow, Kyverno, Ray, Spark): the layer under the
/// ResourceInterpreterCustomizations and above the native rules. Each rule is a Lua script run in the same sandbox as
/// a customization's, so that it answers as Karmada's does for the same object, its errors included (a status the
/// rule reads without checking gives an Unknown health, as there). The apiVersions are Karmada's, exactly: a kind
/// served at another version gets the native rules. The helpers at the top are shared by every script
/// (put on the script's first line, so that errors name the script's own line numbers).
/// </summary>
public static class ThirdPartyCustomizations
{
    /// <summary>The built-in rules of a kind, or null when Karmada has none for it.</summary>
    public static CustomRules? For(string? apiVersion, string? kind) => Rules.GetValueOrDefault($"{apiVersion}/{kind}");

    /// <summary>Every kind with built-in rules, as apiVersion/kind.</summary>
    public static IReadOnlyCollection<string> Kinds => Rules.Keys;

    private const string Helpers = """
        -- The named fields of the status, with the member object's generation and the resource template's (from
        -- Karmada's annotation) when asked; {} while the object has no status.
        local function reflect(observed, names, generations)
          if observed == nil or observed.status == nil then return {} end
          local status = {}
          for _, name in ipairs(names) do status[name] = observed.status[name] end
          local metadata = observed.metadata
          if generations and metadata ~= nil then
            status.generation = metadata.generation
            if metadata.annotations ~= nil then
              status.resourceTemplateGeneration = tonumber(metadata.annotations["resourcetemplate.karmada.io/generation"])
            end
          end
          return status
        end

        -- A list field of the status copied only when it is a table.
        local function list(value) if type(value) == "table" then return value end return {} end

        -- A map field of the status copied entry by entry ({} when absent).
        local function map(value)
          local copied = {}
          if value ~= nil then for k, v in pairs(value) do copied[k] = v end end
          return copied
        end

        -- Whether a condition of the type is "True" (with one of the reasons, when reasons are given).
        local function hasCondition(observed, conditionType, reasons)
          local status = observed.status
          if status == nil or status.conditions == nil then return false end
          for i = 1, #status.conditions do
            local c = status.conditions[i]
            if c.type == conditionType and c.status == "True" and (reasons == nil or reasons[c.reason]) then return true end
          end
          return false
        end

        -- A workload whose controller has seen its generation and whose updated replicas are all available.
        local function rolledOut(observed)
          local status, spec = observed.status, observed.spec
          if status.observedGeneration ~= observed.metadata.generation then return false end
          if spec.replicas ~= nil and status.updatedReplicas < spec.replicas then return false end
          if status.availableReplicas < status.updatedReplicas then return false end
          return true
        end

        -- Keeps spec.suspend as the member has it (Flux and Argo are suspended and resumed in the member).
        local function keepSuspend(desired, observed)
          if observed.spec.suspend ~= nil then desired.spec.suspend = observed.spec.suspend end
          return desired
        end

        """;

    private static CustomRules Kind(string kind, string? retention = null, string? reflect = null, string? health = null)
    {
        var source = $"the built-in customization for {kind}";
        return new CustomRules(Rule(source, retention), Rule(source, reflect), Rule(source, health));

        static CustomRule? Rule(string source, string? script) => script is null ? null : new CustomRule(source, HelpersInline + script);
    }

    /// <summary>The helpers on one line, their comments left out, so that an error's line number is the script's own.</summary>
    private static readonly string HelpersInline = string.Join(' ', Helpers.Split('\n')
        .Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal))) + ' ';

    /// <summary>A Flux kind: suspend kept as in the member, the status fields named with both generations, and the health rule.</summary>
    private static CustomRules Flux(string kind, string health, params string[] fields) =>
        Kind(kind, retention: FluxSuspend, health: health,
            reflect: $"function ReflectStatus(o) return reflect(o, {{ {string.Join(", ", fields.Select(f => $"\"{f}\""))} }}, true) end");

    private const string FluxReady = """
        function InterpretHealth(o) return hasCondition(o, "Ready", { Succeeded = true }) end
        """;

    private const string FluxReconciled = """
        function InterpretHealth(o) return hasCondition(o, "Ready", { ReconciliationSucceeded = true }) end
        """;

    private const string FluxSuspend = "function Retain(desired, observed) return keepSuspend(desired, observed) end";

    private const string KubeflowJobHealth = """
        function InterpretHealth(o)
          if o == nil or o.status == nil or o.status.conditions == nil then return false end
          return not hasCondition(o, "Failed")
        end
        """;

    private const string KruiseRolloutHealth = "function InterpretHealth(o) return rolledOut(o) end";

    private const string KyvernoHealth = """
        function InterpretHealth(o)
          if o.status ~= nil and o.status.ready ~= nil then return o.status.ready end
          return hasCondition(o, "Ready", { Succeeded = true })
        end
        """;

    private const string KyvernoStatus = """function ReflectStatus(o) return reflect(o, { "ready", "conditions", "autogen", "rulecount" }) end""";

    private static readonly Dictionary<string, CustomRules> Rules = new(StringComparer.Ordinal)
    {
        ["apps.kruise.io/v1alpha1/BroadcastJob"] = Kind("BroadcastJob (apps.kruise.io/v1alpha1)",
            retention: """
                function Retain(desired, observed)
                  local metadata = observed.spec.template.metadata
                  if metadata ~= nil and metadata.labels ~= nil then desired.spec.template.metadata.labels = metadata.labels end
                  return desired
                end
                """,
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "conditions", "startTime", "completionTime", "active", "succeeded", "failed", "desired", "phase" })
                end
                """,
            health: """
                function InterpretHealth(o)
                  local s = o.status
                  if s.desired == 0 or s.failed ~= 0 then return false end
                  if s.succeeded == 0 and s.active == 0 then return false end
                  return true
                end
                """),
        ["apps.kruise.io/v1alpha1/CloneSet"] = Kind("CloneSet (apps.kruise.io/v1alpha1)",
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "updatedReadyReplicas",
                    "expectedUpdatedReplicas", "updateRevision", "currentRevision", "observedGeneration", "labelSelector" }, true)
                end
                """,
            health: KruiseRolloutHealth),
        ["apps.kruise.io/v1alpha1/DaemonSet"] = Kind("DaemonSet (apps.kruise.io/v1alpha1)",
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "observedGeneration", "currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled",
                    "numberReady", "updatedNumberScheduled", "numberAvailable", "numberUnavailable", "daemonSetHash" }, true)
                end
                """,
            health: """
                function InterpretHealth(o)
                  local s = o.status
                  if s.observedGeneration ~= o.metadata.generation then return false end
                  if s.updatedNumberScheduled < s.desiredNumberScheduled then return false end
                  if s.numberAvailable < s.updatedNumberScheduled then return false end
                  return true
                end
                """),
        ["apps.kruise.io/v1alpha1/SidecarSet"] = Kind("SidecarSet (apps.kruise.io/v1alpha1)",
            // Keeps nothing, but the round trip through Lua repairs empty values as any retention does.
            retention: "function Retain(desired, observed) return desired end",
            reflect: """
                function ReflectStatus(o)
                  local s = o.status
                  if s == nil then return {} end
                  return { matchedPods = s.matchedPods or 0, updatedPods = s.updatedPods or 0, readyPods = s.readyPods or 0 }
                end
                """,
            health: """
                function InterpretHealth(o)
                  if o.status == nil then return false end
                  local matched, updated = o.status.matchedPods or 0, o.status.updatedPods or 0
                  return matched == 0 or updated == matched
                end
                """),
        ["apps.kruise.io/v1alpha1/UnitedDeployment"] = Kind("UnitedDeployment (apps.kruise.io/v1alpha1)",
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas",
                    "observedGeneration", "conditions" }, true)
                end
                """,
            health: """
                function InterpretHealth(o)
                  if o == nil or o.status == nil or o.metadata == nil or o.spec == nil then return false end
                  return rolledOut(o)
                end
                """),
        ["apps.kruise.io/v1beta1/StatefulSet"] = Kind("StatefulSet (apps.kruise.io/v1beta1)",
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas",
                    "updateRevision", "currentRevision", "updatedReadyReplicas", "observedGeneration" }, true)
                end
                """,
            health: KruiseRolloutHealth),
        ["argoproj.io/v1alpha1/Workflow"] = Kind("Workflow (argoproj.io/v1alpha1)",
            retention: """
                function Retain(desired, observed)
                  keepSuspend(desired, observed)
                  if observed.status ~= nil then desired.status = observed.status end
                  return desired
                end
                """,
            health: """
                function InterpretHealth(o)
                  if o.status == nil then return false end
                  local phase = o.status.phase
                  return not (phase == nil or phase == "" or phase == "Error" or phase == "Failed")
                end
                """),
        ["batch.volcano.sh/v1alpha1/Job"] = Kind("Job (batch.volcano.sh/v1alpha1)",
            reflect: """
                function ReflectStatus(o)
                  local status = reflect(o, { "minAvailable", "pending", "running", "succeeded", "failed", "terminating", "unknown",
                    "version", "retryCount", "runningDuration", "state" })
                  if o ~= nil and o.status ~= nil then
                    status.taskStatusCount = map(o.status.taskStatusCount)
                    status.controlledResources = map(o.status.controlledResources)
                    status.conditions = list(o.status.conditions)
                  end
                  return status
                end
                """,
            health: """
                local healthy = { Running = true, Completed = true, Pending = true, Aborting = true, Aborted = true, Restarting = true,
                                  Completing = true, Terminating = true, Terminated = true }
                function InterpretHealth(o)
                  if o.status == nil or o.status.state == nil then return false end
                  return healthy[o.status.state.phase] == true
                end
                """),
        ["flink.apache.org/v1beta1/FlinkDeployment"] = Kind("FlinkDeployment (flink.apache.org/v1beta1)",
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "clusterInfo", "error", "jobManagerDeploymentStatus", "jobStatus", "observedGeneration",
                    "lifecycleState", "reconciliationStatus", "taskManager" })
                end
                """,
            health: """
                -- Running, finished and passing states are healthy; a job still starting only when its error is the user's
                -- (an image or crash loop), which a retry elsewhere would not mend.
                local settled = { RUNNING = true, FINISHED = true, FAILED = true, CANCELED = true, SUSPENDED = true,
                                  CANCELLING = true, FAILING = true, RESTARTING = true }
                local starting = { CREATED = true, INITIALIZING = true, RECONCILING = true }
                local userErrors = { "ErrImagePull", "ImagePullBackOff", "CrashLoopBackOff" }
                function InterpretHealth(o)
                  local status = o.status or {}
                  local state = (status.jobStatus or {}).state
                  if state == nil then return status.jobManagerDeploymentStatus == "READY" and status.lifecycleState == "STABLE" end
                  if settled[state] then return true end
                  if not starting[state] or not status.error or status.error == "" then return false end
                  for _, text in ipairs(userErrors) do
                    if string.find(status.error, text, 1, true) then return true end
                  end
                  return false
                end
                """),
        ["helm.toolkit.fluxcd.io/v2beta1/HelmRelease"] = Flux("HelmRelease (helm.toolkit.fluxcd.io/v2beta1)", FluxReconciled,
            "conditions", "observedGeneration", "lastAttemptedRevision", "lastAppliedRevision", "lastAttemptedValuesChecksum", "helmChart",
            "lastReleaseRevision", "failures", "upgradeFailures", "installFailures"),
        ["kubeflow.org/v1/Notebook"] = Kind("Notebook (kubeflow.org/v1)",
            reflect: """
                function ReflectStatus(o)
                  local s = o.status
                  if s == nil then return {} end
                  return { readyReplicas = s.readyReplicas or 0, containerState = s.containerState or {}, conditions = list(s.conditions) }
                end
                """,
            health: """
                local failedReasons = { Error = true, OOMKilled = true, ContainerCannotRun = true }
                function InterpretHealth(o)
                  if o.status == nil or o.status.containerState == nil then return false end
                  local state = o.status.containerState
                  if state.running ~= nil then return true end
                  if state.waiting ~= nil then return (state.waiting.reason or "") == "ContainerCreating" end
                  if state.terminated ~= nil then
                    return not failedReasons[state.terminated.reason or ""] and (state.terminated.exitCode or 0) == 0
                  end
                  return false
                end
                """),
        ["kubeflow.org/v1/PyTorchJob"] = Kind("PyTorchJob (kubeflow.org/v1)", health: KubeflowJobHealth),
        ["kubeflow.org/v1/TFJob"] = Kind("TFJob (kubeflow.org/v1)", health: KubeflowJobHealth),
        ["kubeflow.org/v2beta1/MPIJob"] = Kind("MPIJob (kubeflow.org/v2beta1)",
            reflect: """
                function ReflectStatus(o)
                  local status = reflect(o, { "startTime", "completionTime", "lastReconcileTime" })
                  if o == nil or o.status == nil then return status end
                  status.replicaStatuses = map(o.status.replicaStatuses)
                  for name, replicas in pairs(status.replicaStatuses) do
                    status.replicaStatuses[name] = { active = replicas.active, succeeded = replicas.succeeded, failed = replicas.failed, selector = replicas.selector }
                  end
                  status.conditions = list(o.status.conditions)
                  return status
                end
                """,
            health: """
                function InterpretHealth(o)
                  if o.status == nil or o.status.conditions == nil or #o.status.conditions == 0 then return false end
                  return not hasCondition(o, "Failed")
                end
                """),
        ["kustomize.toolkit.fluxcd.io/v1/Kustomization"] = Flux("Kustomization (kustomize.toolkit.fluxcd.io/v1)", FluxReconciled,
            "conditions", "lastAppliedRevision", "lastAttemptedRevision", "observedGeneration"),
        ["kyverno.io/v1/ClusterPolicy"] = Kind("ClusterPolicy (kyverno.io/v1)", reflect: KyvernoStatus, health: KyvernoHealth),
        ["kyverno.io/v1/Policy"] = Kind("Policy (kyverno.io/v1)", reflect: KyvernoStatus, health: KyvernoHealth),
        ["ray.io/v1/RayCluster"] = Kind("RayCluster (ray.io/v1)",
            health: """
                function InterpretHealth(o)
                  if o.status == nil or o.status.conditions == nil then return false end
                  return hasCondition(o, "HeadPodReady") and hasCondition(o, "RayClusterProvisioned") and not hasCondition(o, "RayClusterReplicaFailure")
                end
                """),
        ["ray.io/v1/RayJob"] = Kind("RayJob (ray.io/v1)",
            health: """
                -- Healthy while running or once succeeded; starting, retrying and suspended jobs are not yet.
                function InterpretHealth(o)
                  if o.status == nil then return false end
                  local deployment, job = o.status.jobDeploymentStatus, o.status.jobStatus
                  return deployment == "Running" or (deployment == "Complete" and job == "SUCCEEDED")
                end
                """),
        ["ray.io/v1/RayService"] = Kind("RayService (ray.io/v1)", health: """function InterpretHealth(o) return hasCondition(o, "Ready") end"""),
        ["source.toolkit.fluxcd.io/v1/GitRepository"] = Flux("GitRepository (source.toolkit.fluxcd.io/v1)", FluxReady,
            "conditions", "artifact", "observedGeneration", "observedIgnore", "observedRecurseSubmodules"),
        ["source.toolkit.fluxcd.io/v1beta2/Bucket"] = Flux("Bucket (source.toolkit.fluxcd.io/v1beta2)", FluxReady,
            "conditions", "artifact", "observedIgnore", "observedGeneration", "url"),
        // Karmada's rule reports no observedGeneration for a HelmChart (it reads a global that is never set).
        ["source.toolkit.fluxcd.io/v1beta2/HelmChart"] = Flux("HelmChart (source.toolkit.fluxcd.io/v1beta2)",
            """function InterpretHealth(o) return hasCondition(o, "Ready", { Succeeded = true, ChartPullSucceeded = true }) end""",
            "artifact", "conditions", "observedChartName", "observedSourceArtifactRevision", "url"),
        ["source.toolkit.fluxcd.io/v1beta2/HelmRepository"] = Flux("HelmRepository (source.toolkit.fluxcd.io/v1beta2)", FluxReady,
            "artifact", "conditions", "observedGeneration", "url"),
        ["source.toolkit.fluxcd.io/v1beta2/OCIRepository"] = Flux("OCIRepository (source.toolkit.fluxcd.io/v1beta2)", FluxReady,
            "artifact", "conditions", "url", "observedGeneration", "observedIgnore", "observedLayerSelector"),
        ["sparkoperator.k8s.io/v1beta2/SparkApplication"] = Kind("SparkApplication (sparkoperator.k8s.io/v1beta2)",
            reflect: """
                function ReflectStatus(o)
                  return reflect(o, { "applicationState", "driverInfo", "executorState", "sparkApplicationId", "lastSubmissionAttemptTime",
                    "submissionAttempts", "executionAttempts", "submissionID", "terminationTime" })
                end
                """,
            health: """
                -- Only a failed application is unhealthy; every other state is running or recoverable.
                function InterpretHealth(o)
                  if not o or not o.status or not o.status.applicationState or not o.status.applicationState.state then return false end
                  return o.status.applicationState.state ~= "FAILED"
                end
                """),
    };
}
