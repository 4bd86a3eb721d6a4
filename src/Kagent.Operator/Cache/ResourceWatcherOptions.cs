namespace Kagent.Operator.Cache;

public sealed record ResourceWatcherOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Items per list page (limit/continue), so that a large initial list never arrives as one body.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>The server ends each watch after a random time in [min, 2·min); the watcher then resumes from the last resourceVersion.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
