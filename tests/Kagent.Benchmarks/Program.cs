using System.Globalization;
using Kagent.Benchmarks;
using Kagent.Testing.Fixtures;

// kagent-bench agent [--nodes 5000] [--pods 20000,150000] [--idle 60]
// kagent-bench hub [--clusters 1000] [--watchers 100] [--requests 500] [--history 100]
// kagent-bench works [--works 2000] [--idle 60] [--settle 30]
var root = TestDirectories.NewRoot("bench");
void Progress(string message) => Console.Error.WriteLine($"[bench {DateTime.Now:HH:mm:ss}] {message}");

if (args.FirstOrDefault() == "hub")
{
    var hub = await new HubBenchmark(root, Progress).RunAsync(Option("--clusters", 1000), Option("--watchers", 100), Option("--requests", 500), Option("--history", 100));
    Console.WriteLine("| request | requests | p50 | p99 | max |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var l in hub.Latencies.Append(hub.FanOut))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {l.What} | {l.Requests} | {l.P50:0.0} ms | {l.P99:0.0} ms | {l.Max:0.0} ms |"));
    }

    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Hub memory with {hub.Clusters:N0} clusters ({hub.History} transitions of history each): working set (RSS) {hub.WorkingSetMiB:0} MiB, private {hub.PrivateMiB:0} MiB; with {hub.Watchers} watches open {hub.WorkingSetWithWatchersMiB:0} MiB; peak {hub.PeakMiB:0} MiB."));
    Cleanup();
    return;
}

if (args.FirstOrDefault() == "works")
{
    var w = await new WorkBenchmark(root, Progress).RunAsync(Option("--works", 2000), TimeSpan.FromSeconds(Option("--idle", 60)), TimeSpan.FromSeconds(Option("--settle", 30)));
    Console.WriteLine("| Works | all Applied with manifestStatuses | RSS before → after | idle CPU before → after | idle Work writes/min | edit → member | Works deleted → member objects gone |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {w.Works:N0} | {w.AllAppliedSeconds:0.0} s | {w.RssBeforeMiB:0} → {w.RssAfterMiB:0} MiB (+{w.RssAfterMiB - w.RssBeforeMiB:0}) | {w.IdleMillicoresBefore:0.0} → {w.IdleMillicoresAfter:0.0} m | {w.IdleWorkWritesPerMinute} | {w.EditLatencies.Min():0.000}–{w.EditLatencies.Max():0.000} s (median {Samples.Quantile(w.EditLatencies, 0.5):0.000}) | {w.Deleted} in {w.DeleteSeconds:0.0} s |"));
    Console.WriteLine();
    Console.WriteLine($"Control-plane writes by the agent while the {w.Works:N0} Works applied (audit log), {w.ControlPlaneWrites.Values.Sum() / (double)w.Works:0.00} per Work:");
    foreach (var (what, count) in w.ControlPlaneWrites.OrderByDescending(kv => kv.Value)) Console.WriteLine($"- {what}: {count}");
    Cleanup();
    return;
}

var nodes = Option("--nodes", 5000);
var pods = (OptionText("--pods") ?? "20000,150000").Split(',').Select(int.Parse).ToList();
var idle = TimeSpan.FromSeconds(Option("--idle", 60));
var results = await new AgentBenchmark(root, Progress).RunAsync(nodes, pods, idle);
Console.WriteLine("| nodes | pods | first complete status | working set (RSS, steady) | peak RSS | private (anonymous) | idle CPU | idle status writes/min | change latency |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Nodes:N0} | {r.Pods:N0} | {r.FirstCompleteSeconds:0.0} s | {r.SteadyWorkingSetMiB:0} MiB | {r.PeakWorkingSetMiB:0} MiB | {r.SteadyPrivateMiB:0} MiB | {r.IdleMillicores:0.0} m | {r.IdleStatusWritesPerMinute} | {r.ChangeLatencySeconds:0.0} s |"));
}

Cleanup();

void Cleanup()
{
    try
    {
        Directory.Delete(root, recursive: true);
    }
    catch (IOException)
    {
    }
}

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text) : fallback;

string? OptionText(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
