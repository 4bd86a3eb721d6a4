
namespace Kagent.Kube;

/// <summary>
/// A timeout for every request but watches (which the server ends itself), so that a hung API server
/// stalls no loop. The client's own HttpClient timeout is infinite for that reason.
/// </summary>
public sealed class RequestTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IsWatch(request.RequestUri)) return await base.SendAsync(request, cancellationToken);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri?.GetLeftPart(UriPartial.Path)} timed out after {timeout.TotalSeconds:0.#}s");
        }
    }

    public static bool IsWatch(Uri? uri) => KubeVerbs.IsWatch(uri?.Query);
}
