namespace Kagent.Api.Karmada;

/// <summary>
/// Karmada's Work contract: groups, labels, annotations, the finalizer, condition types, reasons and messages, as
/// karmada-agent writes them (pkg/apis/work/v1alpha1, pkg/util/constants.go, pkg/controllers/execution).
/// </summary>
public static class WorkConstants
{
    public const string Group = "work.karmada.io";
    public const string Version = "v1alpha1";
    public const string ConfigGroup = "config.karmada.io";
    public const string ConfigVersion = "v1alpha1";

    /// <summary>Put on every Work by the control plane when it creates it; the agent removes it after cleanup.</summary>
    public const string ExecutionFinalizer = "karmada.io/execution-controller";

    // On every manifest (hence every member object) applied for a Work.
    public const string ManagedLabel = "karmada.io/managed";
    public const string ManagedLabelValue = "true";
    public const string WorkNameAnnotation = "work.karmada.io/name";
    public const string WorkNamespaceAnnotation = "work.karmada.io/namespace";
    public const string ConflictResolutionAnnotation = "work.karmada.io/conflict-resolution";
    public const string ConflictOverwrite = "overwrite";
    public const string ManagedLabelsAnnotation = "resourcetemplate.karmada.io/managed-labels";
    public const string ManagedAnnotationsAnnotation = "resourcetemplate.karmada.io/managed-annotations";
    public const string TemplateUidAnnotation = "resourcetemplate.karmada.io/uid";
    public const string TemplateGenerationAnnotation = "resourcetemplate.karmada.io/generation";
    public const string RetainReplicasLabel = "resourcetemplate.karmada.io/retain-replicas";

    /// <summary>Labels removed from a member object that outlives its Work (ManagedResourceLabels and the policy claims).</summary>
    public static readonly IReadOnlyList<string> ManagedResourceLabels =
    [
        "resourcebinding.karmada.io/permanent-id", "work.karmada.io/permanent-id", ManagedLabel,
        "propagationpolicy.karmada.io/permanent-id", "clusterpropagationpolicy.karmada.io/permanent-id",
    ];

    /// <summary>Annotations removed from a member object that outlives its Work (ManagedResourceAnnotations and the policy claims).</summary>
    public static readonly IReadOnlyList<string> ManagedResourceAnnotations =
    [
        ManagedAnnotationsAnnotation, ManagedLabelsAnnotation, "resourcebinding.karmada.io/namespace", "resourcebinding.karmada.io/name",
        TemplateUidAnnotation, TemplateGenerationAnnotation, WorkNameAnnotation, WorkNamespaceAnnotation,
        "propagationpolicy.karmada.io/namespace", "propagationpolicy.karmada.io/name", "clusterpropagationpolicy.karmada.io/name",
    ];

    public const string ConditionApplied = "Applied";
    public const string ConditionDispatching = "Dispatching";

    /// <summary>Kagent's own: whether ResourceInterpreterCustomization scripts ran (written only once one failed).</summary>
    public const string ConditionInterpreted = "Interpreted";
    public const string ReasonInterpreted = "InterpretedSuccessful";
    public const string MessageInterpreted = "Every customized interpretation ran";

    public const string ReasonAppliedSuccessful = "AppliedSuccessful";
    public const string ReasonAppliedFailed = "AppliedFailed";
    public const string ReasonDispatching = "Dispatching";
    public const string ReasonSuspendDispatching = "SuspendDispatching";

    public const string MessageApplied = "Manifest has been successfully applied";
    public const string MessageDispatching = "Work is being dispatched to member clusters.";
    public const string MessageSuspended = "Work dispatching is in a suspended state.";

    public const string Healthy = "Healthy";
    public const string Unhealthy = "Unhealthy";
    public const string HealthUnknown = "Unknown";

    // Event reasons on the Work and on the resource template.
    public const string EventWorkDispatching = "WorkDispatching";
    public const string EventSyncSucceed = "SyncSucceed";
    public const string EventSyncFailed = "SyncFailed";
}
