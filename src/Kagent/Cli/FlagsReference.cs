using System.CommandLine;
using System.CommandLine.Help;
using System.Text;

namespace Kagent.Cli;

/// <summary>docs/flags.md, written from the command line's own definitions so that it cannot drift from them.</summary>
internal static class FlagsReference
{
    public static string Render(RootCommand root)
    {
        var text = new StringBuilder();
        text.AppendLine("# Flags reference");
        text.AppendLine();
        text.AppendLine("Generated from the code by `kagent generate docs`; a test fails when this file is stale.");
        text.AppendLine("Durations are written as in Go (`10s`, `1m30s`); bind addresses as `:8080` or `127.0.0.1:8080`, and `0`");
        text.AppendLine("disables an endpoint; lists are comma-separated. Invalid values stop the process at start with one line");
        text.AppendLine("that names the flag, and exit code 2.");
        foreach (var command in Commands(root, "kagent"))
        {
            text.AppendLine();
            text.AppendLine($"## `{command.Path}`");
            text.AppendLine();
            text.AppendLine(command.Command.Description);
            var options = command.Command.Options.Where(o => o is not HelpOption and not VersionOption).ToList();
            if (options.Count == 0) continue;
            text.AppendLine();
            text.AppendLine("| flag | default | description |");
            text.AppendLine("|---|---|---|");
            foreach (var option in options)
            {
                text.AppendLine($"| `{option.Name}` | {Default(option)} | {Escape(option.Description ?? "")} |");
            }
        }

        return text.ToString();
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        foreach (var sub in command.Subcommands)
        {
            var subPath = $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Commands(sub, subPath)) yield return nested;
        }
    }

    private static string Default(Option option)
    {
        if (!option.HasDefaultValue) return "";
        var value = option.GetDefaultValue();
        var text = value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            float f => f.ToString(System.Globalization.CultureInfo.InvariantCulture),
            double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.Length == 0 ? "" : $"`{text}`";
    }

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
