namespace Kagent.Operator;

/// <summary>A handle that runs its action on the first Dispose only (a subscription, a registration).</summary>
public sealed class DisposeOnce(Action action) : IDisposable
{
    private Action? _action = action;

    public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
}
