using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kagent.Testing.Faults;

/// <summary>What share of requests an <see cref="HttpFaultProxy"/> answers with a 500, and what share it holds back.</summary>
public sealed record FaultMix(double ErrorShare, double DelayShare, TimeSpan Delay);

/// <summary>
/// A loopback HTTP proxy in front of a real API server that answers a share of requests with a 500 and delays
/// another share before passing them on. Unlike a mock server it streams answers as they come, so watches
/// keep working through it. Clients speak plain HTTP to it; it reaches the server with the handler it is
/// given (trust and client certificate of the identity under test);
/// the bearer token clients must send is dropped.
/// </summary>
public sealed class HttpFaultProxy : IAsyncDisposable
{
    // Hop-by-hop headers stay on their hop; the client's credentials too, as the proxy authenticates upstream itself.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host", "Authorization",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly FaultMix _mix;
    private long _requests;
    private long _errors;
    private long _delays;

    private HttpFaultProxy(string targetUrl, HttpMessageHandler upstream, FaultMix mix)
    {
        _target = new Uri(targetUrl);
        _mix = mix;
        _upstream = new HttpClient(upstream) { Timeout = Timeout.InfiniteTimeSpan };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(ForwardAsync);
    }

    public string Url { get; private set; } = "";

    public long Requests => Interlocked.Read(ref _requests);

    public long InjectedErrors => Interlocked.Read(ref _errors);

    public long InjectedDelays => Interlocked.Read(ref _delays);

    public static async Task<HttpFaultProxy> StartAsync(string targetUrl, HttpMessageHandler upstream, FaultMix mix)
    {
        var proxy = new HttpFaultProxy(targetUrl, upstream, mix);
        await proxy._app.StartAsync();
        proxy.Url = proxy._app.Urls.Single().Replace("[::1]", "127.0.0.1");
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var roll = Random.Shared.NextDouble();
        if (roll < _mix.ErrorShare)
        {
            Interlocked.Increment(ref _errors);
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected fault","reason":"InternalError","code":500}""",
                context.RequestAborted);
            return;
        }

        if (roll < _mix.ErrorShare + _mix.DelayShare)
        {
            Interlocked.Increment(ref _delays);
            await Task.Delay(_mix.Delay, context.RequestAborted);
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
            new Uri(_target, context.Request.Path + context.Request.QueryString));
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (NotForwarded.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values)) request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!NotForwarded.Contains(name)) context.Response.Headers[name] = values.ToArray();
        }

        // Watches are long answers written an event at a time: pass each read on at once.
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
}
