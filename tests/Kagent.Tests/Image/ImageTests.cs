using Kagent.Testing;
using Kagent.Testing.Fixtures;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Image;

/// <summary>
/// The image's contents without Docker: hack/publish.sh (which the Dockerfile runs) publishes a kagent that
/// starts and names its version and commit; the Dockerfile keeps the rules an image for a cluster needs.
/// </summary>
public sealed class ImageTests
{
    [Fact]
    public async Task The_published_kagent_prints_its_version_and_commit()
    {
        var root = RepositoryRoot.Find();
        var output = TestDirectories.NewRoot("publish");
        var publish = await ProcessRunner.RunAsync("bash", [Path.Combine(root, "hack/publish.sh"), "publish", output], TimeSpan.FromMinutes(10),
            environment: new Dictionary<string, string?> { ["KAGENT_COMMIT"] = "c0ffee1" });
        Assert.True(publish.ExitCode == 0, publish.Output);

        var version = await ProcessRunner.RunAsync(Path.Combine(output, "kagent"), ["--version"], TimeSpan.FromSeconds(30));
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\+c0ffee1$", version.StandardOutput.Trim());
    }

    [Fact]
    public void The_dockerfile_is_multi_stage_caches_restore_runs_as_non_root_and_enters_kagent()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var froms = lines.Where(l => l.StartsWith("FROM ")).ToList();
        Assert.Equal(2, froms.Count);
        Assert.Contains("chiseled", froms[^1]);

        int IndexOf(string start) => lines.FindIndex(l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.True(IndexOf("RUN hack/publish.sh restore") < IndexOf("COPY src/ src/"), "restore must come before the sources are copied");
        Assert.Contains(lines, l => l.StartsWith("RUN ") && l.Contains("hack/publish.sh publish"));
        Assert.Matches(@"^USER [1-9]\d*$", lines.Last(l => l.StartsWith("USER ")));
        Assert.Equal("ENTRYPOINT [\"/app/kagent\"]", lines.Last(l => l.StartsWith("ENTRYPOINT")));
        // The runtime settings docs/benchmarks.md measured, one per line (hack/bench.sh reads them from here).
        foreach (var setting in new[] { "DOTNET_TC_CallCountThreshold=2000", "DOTNET_GCgen0size=0x100000", "MALLOC_ARENA_MAX=2", "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" })
            Assert.Contains($"ENV {setting}", lines);
    }

    [Fact]
    public void The_agent_compiles_each_method_optimized_once()
    {
        // Neither tiers nor ReadyToRun code: docs/benchmarks.md ("Runtime settings", "Work execution").
        var environment = AgentDeployment.Environment();
        Assert.Equal("0", environment["DOTNET_TieredCompilation"]);
        Assert.Equal("0", environment["DOTNET_ReadyToRun"]);
    }
}
