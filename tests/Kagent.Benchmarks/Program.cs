using System.Globalization;
using Kagent.Benchmarks;
using Kagent.Testing.Fixtures;

// kagent-bench agent [--nodes 5000] [--pods 20000,150000] [--idle 60]
var nodes = Option("--nodes", 5000);
var pods = (OptionText("--pods") ?? "20000,150000").Split(',').Select(int.Parse).ToList();
var idle = TimeSpan.FromSeconds(Option("--idle", 60));
var root = TestDirectories.NewRoot("bench");
void Progress(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");

var results = await new AgentBenchmark(root, Progress).RunAsync(nodes, pods, idle);
Console.WriteLine("| nodes | pods | first complete status | working set (RSS, steady) | peak RSS | private (anonymous) | idle CPU | idle status writes/min | change latency |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Nodes:N0} | {r.Pods:N0} | {r.FirstCompleteSeconds:0.0} s | {r.SteadyWorkingSetMiB:0} MiB | {r.PeakWorkingSetMiB:0} MiB | {r.SteadyPrivateMiB:0} MiB | {r.IdleMillicores:0.0} m | {r.IdleStatusWritesPerMinute} | {r.ChangeLatencySeconds:0.0} s |"));
}

try
{
    Directory.Delete(root, recursive: true);
}
catch (IOException)
{
}

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text) : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
