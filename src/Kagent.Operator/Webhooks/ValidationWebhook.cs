using k8s;
using k8s.Models;

namespace Kagent.Operator.Webhooks;

/// <summary>What a validation returns: allowed (with warnings), or denied with a message and an HTTP code.</summary>
public sealed record ValidationResult(bool Valid, string? Message, int Code, IReadOnlyList<string> Warnings)
{
    public static ValidationResult Success(params string[] warnings) => new(true, null, 200, warnings);

    /// <summary>A denial; the message should name the field and the rule.</summary>
    public static ValidationResult Fail(string message, int code = 400) => new(false, message, code, []);
}

/// <summary>The request around the object being validated.</summary>
public sealed record AdmissionContext(string Operation, AdmissionUserInfo User, bool DryRun);

/// <summary>Validates one kind of entity on create, update and delete (KubeOps' shape); a validating hook never patches.</summary>
public abstract class ValidationWebhook<TEntity> where TEntity : IKubernetesObject<V1ObjectMeta>
{
    public virtual Task<ValidationResult> CreateAsync(TEntity entity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ValidationResult.Success());

    public virtual Task<ValidationResult> UpdateAsync(TEntity oldEntity, TEntity newEntity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ValidationResult.Success());

    public virtual Task<ValidationResult> DeleteAsync(TEntity entity, AdmissionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(ValidationResult.Success());
}

public sealed record WebhookRegistration(string Path, Type Entity, Type Implementation);
