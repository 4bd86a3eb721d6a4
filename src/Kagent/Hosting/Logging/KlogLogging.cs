using Kagent.Configuration;
using Microsoft.Extensions.Logging.Console;

namespace Kagent.Hosting.Logging;

/// <summary>How both roles log.</summary>
public static class KlogLogging
{
    /// <summary>Console logs in klog's JSON or text format at the --v verbosity; the framework's chatter above Warning only.</summary>
    public static void AddKlog(this ILoggingBuilder logging, CommonOptions common)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogVerbosity.MinimumLevel(common.Verbosity));
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Kagent.Aggregation.Security.FrontProxyAuthenticationHandler", LogLevel.Warning);

        // An unready probe is expected while an API server is down; ClusterConnectivity logs the transitions once.
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        logging.AddConsole(o => o.FormatterName = common.LogFormat == LogFormat.Json ? KlogJsonFormatter.Name : KlogTextFormatter.Name);
        logging.AddConsoleFormatter<KlogJsonFormatter, ConsoleFormatterOptions>();
        logging.AddConsoleFormatter<KlogTextFormatter, ConsoleFormatterOptions>();
    }
}
