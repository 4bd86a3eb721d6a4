using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Kagent.Hosting.Logging;

/// <summary>
/// Kubernetes components' JSON log format (--logging-format=json): {"ts" (Unix seconds), "caller", "msg", "v", the
/// structured values, "err"}; an exception's message is "err" and its stack trace "errStack", never flattened into
/// the message.
/// </summary>
public sealed class KlogJsonFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "klog-json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var entry = KlogEntry.From(logEntry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("ts", Math.Round(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, 3));
            json.WriteString("caller", entry.Caller);
            json.WriteString("msg", entry.Message);
            if (entry.Verbosity is { } v) json.WriteNumber("v", v);
            foreach (var (key, value) in entry.Values)
            {
                json.WritePropertyName(key);
                WriteValue(json, value);
            }

            if (entry.Error is { } error)
            {
                json.WriteString("err", error.Message);
                if (error.StackTrace is { } stack) json.WriteString("errStack", error.GetType().FullName + "\n" + stack);
            }

            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write('\n');
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int or long or short or byte or uint or ulong: json.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case TimeSpan t: json.WriteNumberValue(Math.Round(t.TotalSeconds, 3)); break;
            case IFormattable formattable: json.WriteStringValue(formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
