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
/// its heartbeat) is serialized once, and every answer splices in the heartbeat as of now. A list of a thousand
/// clusters is then a copy of cached bytes, not a thousand object graphs through the serializer.
/// </summary>
public static class ClusterHealthJson
{
    private static readonly byte[] StatusStart = "\"status\":{"u8.ToArray();
    private static readonly ConditionalWeakTable<ClusterHealth, Serialized> Cache = new();
    private const int FlushEvery = 64 * 1024;

    private sealed record Serialized(byte[] Bytes, int InsertAt);

    public static async Task WriteObjectAsync(PipeWriter writer, ClusterHealth stored, HeartbeatInfo? heartbeat, CancellationToken cancellationToken)
    {
        Write(writer, stored, heartbeat);
        await writer.FlushAsync(cancellationToken);
    }

    public static async Task WriteListAsync(PipeWriter writer, V1ListMeta metadata, IReadOnlyList<ClusterHealth> stored, Func<ClusterHealth, HeartbeatInfo?> heartbeatOf, CancellationToken cancellationToken)
    {
        writer.Write(Encoding.UTF8.GetBytes($"{{\"kind\":\"ClusterHealthList\",\"apiVersion\":\"{KagentConstants.HealthGroupVersion}\",\"metadata\":"));
        writer.Write(JsonSerializer.SerializeToUtf8Bytes(metadata, KubeJson.Options));
        writer.Write(",\"items\":["u8);
        var unflushed = 0L;
        for (var i = 0; i < stored.Count; i++)
        {
            if (i > 0) writer.Write(","u8);
            unflushed += Write(writer, stored[i], heartbeatOf(stored[i]));
            if (unflushed < FlushEvery) continue;
            await writer.FlushAsync(cancellationToken);
            unflushed = 0;
        }

        writer.Write("]}"u8);
        await writer.FlushAsync(cancellationToken);
    }

    private static int Write(PipeWriter writer, ClusterHealth stored, HeartbeatInfo? heartbeat)
    {
        var serialized = Cache.GetValue(stored, Serialize);
        if (heartbeat is null || serialized.InsertAt < 0)
        {
            writer.Write(serialized.Bytes);
            return serialized.Bytes.Length;
        }

        var span = serialized.Bytes.AsSpan();
        writer.Write(span[..serialized.InsertAt]);
        writer.Write("\"heartbeat\":"u8);
        var heartbeatJson = JsonSerializer.SerializeToUtf8Bytes(heartbeat, KubeJson.Options);
        writer.Write(heartbeatJson);
        writer.Write(","u8);
        writer.Write(span[serialized.InsertAt..]);
        return serialized.Bytes.Length + heartbeatJson.Length + 13;
    }

    private static Serialized Serialize(ClusterHealth stored)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(stored.Status.Heartbeat is null ? stored : new ClusterHealth { Metadata = stored.Metadata, Status = stored.Status.WithHeartbeat(null) }, KubeJson.Options);
        var at = bytes.AsSpan().IndexOf(StatusStart);
        return new Serialized(bytes, at < 0 ? -1 : at + StatusStart.Length);
    }
}
