namespace Kagent.Testing;

/// <summary>Waits on a condition with a timeout, instead of fixed sleeps.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        TrueAsync(condition, timeout, () => what, cancellationToken);

    /// <summary>Waits for the condition; <paramref name="what"/> is read on timeout, so it may show a log as it is then.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                if (await condition()) return;
                last = null;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                last = e;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"timed out after {timeout} waiting for: {what()}" + (last is null ? "" : $" (last error: {last.Message})"), last);
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, () => what, cancellationToken);

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, CancellationToken cancellationToken = default) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);

    /// <summary>Waits until the producer returns a value that satisfies the predicate, and returns it.</summary>
    public static Task<T> MatchAsync<T>(Func<Task<T>> producer, Func<T, bool> predicate, TimeSpan timeout, string what, CancellationToken cancellationToken = default) =>
        MatchAsync(producer, predicate, timeout, () => what, cancellationToken);

    public static async Task<T> MatchAsync<T>(Func<Task<T>> producer, Func<T, bool> predicate, TimeSpan timeout, Func<string> what, CancellationToken cancellationToken = default)
    {
        T value = default!;
        await TrueAsync(async () => predicate(value = await producer()), timeout, what, cancellationToken);
        return value;
    }
}
