namespace Kagent.Operator.Cache;

public enum WatchEventKind
{
    Added,
    Modified,
    Deleted,
}
