using System.Text.RegularExpressions;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.UnitTests.Docs;

/// <summary>docs/reliability.md names real tests: a renamed or removed test cannot leave a promise without one.</summary>
public sealed partial class ReliabilityDocTests
{
    [Fact]
    public void Every_test_named_in_docs_reliability_md_exists()
    {
        var root = RepositoryRoot.Find();
        var text = File.ReadAllText(Path.Combine(root, "docs/reliability.md"));

        // Test classes of both test projects, read from their sources: class name → the file's text.
        var sources = Directory.GetFiles(Path.Combine(root, "tests"), "*Tests.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => TestClass().Matches(File.ReadAllText(f)).Select(m => (Type: m.Groups[1].Value, Text: File.ReadAllText(f))))
            .ToLookup(c => c.Type, c => c.Text);
        var named = TestName().Matches(text).Select(m => (Type: m.Groups[1].Value, Method: m.Groups[2].Value)).ToList();
        Assert.True(named.Count >= 30, $"only {named.Count} tests named");
        var missing = named.Where(n => !sources[n.Type].Any(source => n.Method == "*" || Regex.IsMatch(source, $@"public (async Task|void) {n.Method}\(")))
            .Select(n => $"{n.Type}.{n.Method}").ToList();
        Assert.True(missing.Count == 0, "named in docs/reliability.md but not a test: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"`([A-Z]\w+Tests)\.(\w+|\*)`")]
    private static partial Regex TestName();

    [GeneratedRegex(@"\bclass (\w+Tests)\b")]
    private static partial Regex TestClass();
}
