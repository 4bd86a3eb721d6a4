using System.Reflection;
using System.Text.RegularExpressions;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Docs;

/// <summary>docs/reliability.md names real tests: a renamed or removed test cannot leave a promise without one.</summary>
public sealed partial class ReliabilityDocTests
{
    [Fact]
    public void Every_test_named_in_docs_reliability_md_exists()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs/reliability.md"));
        var types = typeof(ReliabilityDocTests).Assembly.GetTypes().ToLookup(t => t.Name);
        var named = TestName().Matches(text).Select(m => (Type: m.Groups[1].Value, Method: m.Groups[2].Value)).ToList();
        Assert.True(named.Count >= 30, $"only {named.Count} tests named");
        var missing = named.Where(n => !types[n.Type].Any(t => n.Method == "*" || t.GetMethod(n.Method, BindingFlags.Public | BindingFlags.Instance) is not null))
            .Select(n => $"{n.Type}.{n.Method}").ToList();
        Assert.True(missing.Count == 0, "named in docs/reliability.md but not a test: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"`([A-Z]\w+Tests)\.(\w+|\*)`")]
    private static partial Regex TestName();
}
