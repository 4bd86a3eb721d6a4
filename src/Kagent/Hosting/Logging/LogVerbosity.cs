
namespace Kagent.Hosting.Logging;

/// <summary>klog's --v levels as Kagent uses them, and the .NET log level each one lets through.</summary>
public static class LogVerbosity
{
    /// <summary>What an operator wants: starts, state changes, warnings and errors.</summary>
    public const int Operator = 0;

    /// <summary>Each reconcile and each decision of a loop.</summary>
    public const int Reconciles = 2;

    /// <summary>Each request, served or sent.</summary>
    public const int Requests = 4;

    public static LogLevel MinimumLevel(int verbosity) => verbosity switch
    {
        >= Requests => LogLevel.Trace,
        >= Reconciles => LogLevel.Debug,
        _ => LogLevel.Information,
    };
}
