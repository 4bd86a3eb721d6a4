using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Kagent.Testing.Servers;

/// <summary>
/// Loopback ports for test servers, taken below the kernel's ephemeral range: a port the kernel hands out for
/// port 0 is also what it hands to the next outgoing connection, so a server started a moment later could find it
/// taken (etcd: "bind: address already in use"). Ports are picked at random and never twice in one process, so
/// that a second process (the local fleet beside the tests) rarely picks the same one.
/// </summary>
public static class FreePort
{
    private const int LowestPort = 10000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();
    private static readonly int EphemeralLow = ReadEphemeralLow();

    /// <summary>A loopback TCP port that was free a moment ago and that this process has not handed out before.</summary>
    public static int Next()
    {
        if (EphemeralLow - LowestPort < 1000) return FromKernel();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, EphemeralLow);
            if (!HandedOut.TryAdd(port, true)) continue;
            if (CanBind(port)) return port;
        }
        return FromKernel();
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FromKernel()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0]);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return 32768;
        }
    }
}
