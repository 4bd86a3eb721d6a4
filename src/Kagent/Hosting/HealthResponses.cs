using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Kagent.Hosting;

/// <summary>
/// Health answers as kube-apiserver writes them: "ok" in plain text, or with ?verbose one line per check
/// ("[+]name ok" / "[-]name failed: reason").
/// </summary>
public static class HealthResponses
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var healthy = report.Status != HealthStatus.Unhealthy;
        var path = context.Request.Path.Value?.TrimStart('/') ?? "healthz";
        if (!context.Request.Query.ContainsKey("verbose") && healthy) return context.Response.WriteAsync("ok");

        var text = new StringBuilder();
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(entry.Status == HealthStatus.Unhealthy ? $"[-]{name} failed: {entry.Description}\n" : $"[+]{name} ok\n");
        }

        text.Append(healthy ? $"{path} check passed\n" : $"{path} check failed\n");
        return context.Response.WriteAsync(text.ToString());
    }
}
