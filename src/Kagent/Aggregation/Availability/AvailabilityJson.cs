using System.Buffers;
using System.Text.Json;
using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;

namespace Kagent.Aggregation.Availability;

/// <summary>
/// status.availability as JSON, written field by field: it is part of every cluster of every answer, and with
/// dynamic code off the serializer reads an object graph by reflection, which cost more than the rest of a list.
/// The same JSON as KubeJson writes (a unit test compares them), times in RFC 3339 with up to microseconds, as the Kubernetes client writes them.
/// </summary>
public static class AvailabilityJson
{
    public static byte[] Serialize(AvailabilityInfo availability)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteTime(json, "since", availability.Since);
            if (availability.LastTransition is { } last)
            {
                json.WriteStartObject("lastTransition");
                WriteTransitionFields(json, last);
                json.WriteEndObject();
            }

            json.WriteStartArray("windows");
            foreach (var window in availability.Windows) WriteWindow(json, window);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTransitionFields(Utf8JsonWriter json, AvailabilityTransition transition)
    {
        WriteTime(json, "time", transition.Time);
        json.WriteString("state", transition.State);
        if (transition.Reason is { } reason) json.WriteString("reason", reason);
    }

    private static void WriteWindow(Utf8JsonWriter json, AvailabilityWindow window)
    {
        json.WriteStartObject();
        json.WriteString("window", window.Window);
        if (window.Ratio is { } ratio) json.WriteNumber("ratio", ratio);
        json.WriteNumber("upSeconds", window.UpSeconds);
        json.WriteNumber("downSeconds", window.DownSeconds);
        json.WriteNumber("unobservedSeconds", window.UnobservedSeconds);
        json.WriteNumber("transitions", window.Transitions);
        json.WriteNumber("longestOutageSeconds", window.LongestOutageSeconds);
        json.WriteBoolean("exact", window.Exact);
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTime time)
    {
        Span<char> text = stackalloc char[32];
        time.ToUniversalTime().TryFormat(text, out var length, "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
        json.WriteString(name, text[..length]);
    }
}
