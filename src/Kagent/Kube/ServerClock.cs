namespace Kagent.Kube;

public static class ServerClock
{
    // A server's time (a Date header) is truncated to the second: its middle is half a second later.
    private static readonly TimeSpan HalfSecond = TimeSpan.FromMilliseconds(500);

    /// <summary>The local clock minus a server's, from the local time halfway through a request and the server's whole second.</summary>
    public static TimeSpan Offset(DateTimeOffset localMidpoint, DateTimeOffset serverSecond) => localMidpoint - (serverSecond + HalfSecond);
}
