using System.Diagnostics;
using System.Net;
using k8s.Autorest;
using Kagent.Operator.Client;

namespace Kagent.Kube;

/// <summary>One answer of an API server's health endpoint; <see cref="Error"/> is set when there was no answer.</summary>
public sealed record HealthAnswer(HttpStatusCode? Status, string Body, string? Error, TimeSpan Duration)
{
    /// <summary>The server's clock as its Date header said (whole seconds), when it answered.</summary>
    public DateTimeOffset? ServerDate { get; init; }

    /// <summary>This process's clock halfway through the request: the moment <see cref="ServerDate"/> is compared with.</summary>
    public DateTimeOffset LocalMidpoint { get; init; }
}

/// <summary>One "[+]name ok" or "[-]name failed: reason" line of a verbose health answer.</summary>
public sealed record HealthCheckLine(string Name, bool Ok, string? Message);

/// <summary>Reads kube-apiserver's /readyz, /livez and /healthz with an explicit timeout, whatever happens on the way.</summary>
public static class HealthEndpoint
{
    /// <summary>An answer as clusterhealths' probe reports it: status, timing, error, and the named checks of a verbose answer.</summary>
    public static Api.V1Alpha1.ProbedEndpoint Report(string path, HealthAnswer answer) => new()
    {
        Path = path,
        StatusCode = (int?)answer.Status,
        Ok = answer.Status == HttpStatusCode.OK,
        DurationMilliseconds = (long)answer.Duration.TotalMilliseconds,
        Error = answer.Error,
        Checks = answer.Error is null && Checks(answer.Body) is { Count: > 0 } checks
            ? checks.Select(c => new Api.V1Alpha1.ProbeCheck { Name = c.Name, Ok = c.Ok, Message = c.Message }).ToList()
            : null,
    };

    public static async Task<HealthAnswer> GetAsync(KubeClient server, string path, TimeSpan timeout, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var started = Stopwatch.GetTimestamp();
        var sent = (time ?? TimeProvider.System).GetUtcNow();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var endpoint = path.Split('?')[0];
        try
        {
            using var response = await server.SendAsync(HttpMethod.Get, path, cancellationToken: deadline.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            return new HealthAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(deadline.Token), null, elapsed)
            {
                ServerDate = response.Headers.Date, LocalMidpoint = sent + elapsed / 2,
            };
        }
        catch (HttpOperationException e)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            return new HealthAnswer(e.Response.StatusCode, e.Response.Content ?? "", null, elapsed)
            {
                ServerDate = e.Response.Headers.TryGetValue("Date", out var date) && DateTimeOffset.TryParse(date.FirstOrDefault(), out var parsed) ? parsed : null,
                LocalMidpoint = sent + elapsed / 2,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthAnswer(null, "", $"GET {endpoint} timed out after {timeout.TotalSeconds:0.#}s", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            return new HealthAnswer(null, "", $"GET {endpoint}: {e.Message.ReplaceLineEndings(" ")}", Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The checks of a verbose answer, in order.</summary>
    public static IReadOnlyList<HealthCheckLine> Checks(string body) =>
        body.Split('\n')
            .Where(line => line.StartsWith("[+]", StringComparison.Ordinal) || line.StartsWith("[-]", StringComparison.Ordinal))
            .Select(line =>
            {
                var rest = line[3..].Trim();
                var space = rest.IndexOf(' ');
                var name = space < 0 ? rest : rest[..space];
                return new HealthCheckLine(name, line[1] == '+', space < 0 ? null : rest[(space + 1)..]);
            })
            .ToList();
}
