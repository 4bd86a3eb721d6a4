using System.Text.RegularExpressions;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.UnitTests.Docs;

/// <summary>docs/architecture.md draws the flows file by file: every file and folder it names exists.</summary>
public sealed partial class ArchitectureDocTests
{
    [Fact]
    public void Every_file_and_folder_named_in_docs_architecture_md_exists()
    {
        var root = RepositoryRoot.Find();
        var text = File.ReadAllText(Path.Combine(root, "docs/architecture.md"));
        var sources = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .ToList();

        var files = SourceFile().Matches(text).Select(m => m.Value).Distinct().ToList();
        Assert.True(files.Count >= 30, $"only {files.Count} files named");
        var missingFiles = files.Where(f => !sources.Any(s => ("/" + s).EndsWith("/" + f, StringComparison.Ordinal))).ToList();
        Assert.True(missingFiles.Count == 0, "named in docs/architecture.md but not in src: " + string.Join(", ", missingFiles));

        var folders = Folder().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        var missingFolders = folders.Where(f => !Directory.Exists(Path.Combine(root, f)) && !File.Exists(Path.Combine(root, f))).ToList();
        Assert.True(missingFolders.Count == 0, "paths named in docs/architecture.md that do not exist: " + string.Join(", ", missingFolders));
    }

    /// <summary>A C# file as the document names it: a path relative to its project, or a bare file name.</summary>
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9./]*\.cs\b")]
    private static partial Regex SourceFile();

    [GeneratedRegex(@"`((?:src|tests)/[A-Za-z0-9./]+?)/?`")]
    private static partial Regex Folder();
}
