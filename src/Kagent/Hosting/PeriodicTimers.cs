namespace Kagent.Hosting;

public static class PeriodicTimers
{
    /// <summary>Waits for the next tick; false once the timer is disposed or <paramref name="cancellationToken"/> stops the loop.</summary>
    public static async Task<bool> NextTickOrStopAsync(this PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
