using Microsoft.Extensions.Logging.Abstractions;

namespace Kagent.Hosting.Logging;

/// <summary>
/// One log line as klog writes it: a severity, a verbosity for info lines (0 for what an operator wants, 2 for each
/// reconcile, 4 for each request; warnings and errors have none, as klog's errors), the caller (the logging class and the line's stable event id, where klog has file:line), the
/// message, and the line's structured values with lowerCamelCase keys.
/// </summary>
public readonly record struct KlogEntry(char Severity, int? Verbosity, string Caller, string Message, IReadOnlyList<KeyValuePair<string, object?>> Values, Exception? Error)
{
    public static KlogEntry From<TState>(in LogEntry<TState> entry)
    {
        var message = entry.Formatter(entry.State, entry.Exception);
        var values = new List<KeyValuePair<string, object?>>();
        if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                if (key == "{OriginalFormat}") continue;
                values.Add(new(LowerCamel(key), value));
            }
        }

        var (severity, verbosity) = entry.LogLevel switch
        {
            LogLevel.Trace => ('I', (int?)LogVerbosity.Requests),
            LogLevel.Debug => ('I', LogVerbosity.Reconciles),
            LogLevel.Information => ('I', LogVerbosity.Operator),
            LogLevel.Warning => ('W', null),
            LogLevel.Error => ('E', null),
            _ => ('F', null),
        };
        var category = entry.Category;
        var shortCategory = category[(category.LastIndexOf('.') + 1)..];
        var caller = entry.EventId.Id != 0 ? $"{shortCategory}:{entry.EventId.Id}" : shortCategory;
        return new KlogEntry(severity, verbosity, caller, message, values, entry.Exception);
    }

    private static string LowerCamel(string key) =>
        key.Length == 0 || char.IsLower(key[0]) ? key : char.ToLowerInvariant(key[0]) + key[1..];
}
