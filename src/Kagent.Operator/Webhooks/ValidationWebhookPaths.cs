using Kagent.Operator.Entities;

namespace Kagent.Operator.Webhooks;

public static class ValidationWebhookPaths
{
    public static string For<TEntity>() => $"/validate/{EntityMetadata.For<TEntity>().Kind.ToLowerInvariant()}";
}
