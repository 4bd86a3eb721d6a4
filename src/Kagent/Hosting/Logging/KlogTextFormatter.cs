using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Kagent.Hosting.Logging;

/// <summary>
/// klog's text format: <c>I1202 04:16:38.123456   12345 Caller:id] "message" key="value" err="..."</c>, the
/// severity letter (I, W, E, F), month and day, UTC time, process id, caller, then the structured values. One line
/// an entry, as klog's: an error is its message (err=...); its stack trace is in the JSON format's errStack.
/// </summary>
public sealed class KlogTextFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "klog-text";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var entry = KlogEntry.From(logEntry);
        var now = DateTime.UtcNow;
        var line = new StringBuilder(160);
        line.Append(entry.Severity).Append(now.ToString("MMdd HH:mm:ss.ffffff", CultureInfo.InvariantCulture))
            .Append(' ').Append(Environment.ProcessId.ToString(CultureInfo.InvariantCulture).PadLeft(7))
            .Append(' ').Append(entry.Caller).Append("] ").Append(Quote(entry.Message));
        foreach (var (key, value) in entry.Values) line.Append(' ').Append(key).Append('=').Append(Text(value));
        if (entry.Error is { } error) line.Append(" err=").Append(Quote(error.Message));
        textWriter.Write(line.Append('\n').ToString());
    }

    private static string Text(object? value) => value switch
    {
        null => "<nil>",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        TimeSpan t => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    /// <summary>Double-quoted with backslash escapes, as klog quotes strings.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                < ' ' => quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
