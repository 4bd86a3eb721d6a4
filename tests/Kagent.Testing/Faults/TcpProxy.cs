using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Kagent.Testing.Faults;

/// <summary>
/// A loopback TCP proxy in front of a real server, for faults a real server will not produce on demand:
/// cutting every open connection (a server-side close, a reset), and refusing new ones for a while (an outage).
/// TLS passes through untouched.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<long, (TcpClient Client, TcpClient Upstream)> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextId;
    private long _accepted;
    private volatile bool _refusing;

    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _listener.Start();
        _acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url => $"https://127.0.0.1:{Port}";

    public int OpenConnections => _connections.Count;

    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Closes every open connection at once.</summary>
    public void DropConnections()
    {
        foreach (var (id, pair) in _connections)
        {
            if (_connections.TryRemove(id, out _)) Close(pair);
        }
    }

    /// <summary>New connections are closed as soon as they are accepted, until <see cref="Resume"/>.</summary>
    public void Refuse()
    {
        _refusing = true;
        DropConnections();
    }

    public void Resume() => _refusing = false;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        DropConnections();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            if (_refusing)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        var id = Interlocked.Increment(ref _nextId);
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            _connections[id] = (client, upstream);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            await Task.WhenAny(
                client.GetStream().CopyToAsync(upstream.GetStream(), done.Token),
                upstream.GetStream().CopyToAsync(client.GetStream(), done.Token));
            done.Cancel();
        }
        catch (Exception)
        {
        }
        finally
        {
            if (_connections.TryRemove(id, out var pair)) Close(pair);
            else Close((client, upstream));
        }
    }

    private static void Close((TcpClient Client, TcpClient Upstream) pair)
    {
        foreach (var socket in new[] { pair.Client, pair.Upstream })
        {
            try
            {
                socket.Client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception)
            {
            }

            socket.Dispose();
        }
    }
}
