namespace Kagent.Testing.Servers;

/// <summary>A process's open file descriptors (sockets included), threads and resident memory, read from /proc.</summary>
public sealed record ProcessFootprint(int FileDescriptors, int Threads, long RssBytes, long AnonymousBytes)
{
    public static ProcessFootprint Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => long.Parse(status.First(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[1].Trim().Split(' ')[0]);
        return new ProcessFootprint(Directory.GetFiles($"/proc/{pid}/fd").Length, (int)Field("Threads"), Field("VmRSS") * 1024, Field("RssAnon") * 1024);
    }

    public override string ToString() => $"{FileDescriptors} fds, {Threads} threads, {RssBytes >> 20} MiB RSS";
}
