namespace Kagent.Aggregation.Health;

/// <summary>A watch asked for a resourceVersion this store no longer (or never) knew: the client must list again.</summary>
public sealed class ResourceVersionTooOldException(long requested, long oldest)
    : Exception($"too old resource version: {requested} ({oldest})");
