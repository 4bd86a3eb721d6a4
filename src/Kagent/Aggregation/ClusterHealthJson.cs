using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Kagent.Api;
using Kagent.Api.V1Alpha1;
using Kagent.Operator.Client;

namespace Kagent.Aggregation;

/// <summary>
/// Writes ClusterHealth JSON without serializing unchanged objects again: each stored object (immutable, without
/// its heartbeat and availability) is serialized once, and every answer splices in those two as of now. A list of a
/// thousand clusters is then a copy of cached bytes, not a thousand object graphs through the serializer.
/// </summary>
public static class ClusterHealthJson
{
    /// <summary>The parts of a ClusterHealth computed per answer.</summary>
    public readonly record struct Live(HeartbeatInfo? Heartbeat, byte[]? AvailabilityJson);

    private static readonly byte[] StatusStart = "\"status\":{"u8.ToArray();
    private static readonly ConditionalWeakTable<ClusterHealth, Serialized> Cache = new();
    private const int FlushEvery = 64 * 1024;

    private sealed record Serialized(byte[] Bytes, int InsertAt);

    public static async Task WriteObjectAsync(PipeWriter writer, ClusterHealth stored, Live live, CancellationToken cancellationToken)
    {
        Write(writer, stored, live);
        await writer.FlushAsync(cancellationToken);
    }

    public static async Task WriteListAsync(PipeWriter writer, V1ListMeta metadata, IReadOnlyList<ClusterHealth> stored, Func<ClusterHealth, Live> liveOf, CancellationToken cancellationToken)
    {
        writer.Write(Encoding.UTF8.GetBytes($"{{\"kind\":\"ClusterHealthList\",\"apiVersion\":\"{KagentConstants.HealthGroupVersion}\",\"metadata\":"));
        writer.Write(JsonSerializer.SerializeToUtf8Bytes(metadata, KubeJson.Options));
        writer.Write(",\"items\":["u8);
        var unflushed = 0L;
        for (var i = 0; i < stored.Count; i++)
        {
            if (i > 0) writer.Write(","u8);
            unflushed += Write(writer, stored[i], liveOf(stored[i]));
            if (unflushed < FlushEvery) continue;
            await writer.FlushAsync(cancellationToken);
            unflushed = 0;
        }

        writer.Write("]}"u8);
        await writer.FlushAsync(cancellationToken);
    }

    private static int Write(PipeWriter writer, ClusterHealth stored, Live live)
    {
        var serialized = Cache.GetValue(stored, Serialize);
        if (live is { Heartbeat: null, AvailabilityJson: null } || serialized.InsertAt < 0)
        {
            writer.Write(serialized.Bytes);
            return serialized.Bytes.Length;
        }

        var span = serialized.Bytes.AsSpan();
        writer.Write(span[..serialized.InsertAt]);
        var written = serialized.Bytes.Length;
        if (live.Heartbeat is not null) written += WriteField(writer, "\"heartbeat\":"u8, JsonSerializer.SerializeToUtf8Bytes(live.Heartbeat, KubeJson.Options));
        if (live.AvailabilityJson is not null) written += WriteField(writer, "\"availability\":"u8, live.AvailabilityJson);
        writer.Write(span[serialized.InsertAt..]);
        return written;
    }

    private static int WriteField(PipeWriter writer, ReadOnlySpan<byte> name, byte[] value)
    {
        writer.Write(name);
        writer.Write(value);
        writer.Write(","u8);
        return name.Length + value.Length + 1;
    }

    private static Serialized Serialize(ClusterHealth stored)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(stored.Status is { Heartbeat: null, Availability: null } ? stored : new ClusterHealth { Metadata = stored.Metadata, Status = stored.Status.WithLive(null, null) }, KubeJson.Options);
        var at = bytes.AsSpan().IndexOf(StatusStart);
        return new Serialized(bytes, at < 0 ? -1 : at + StatusStart.Length);
    }
}
