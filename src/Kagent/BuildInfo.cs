using System.Reflection;

namespace Kagent;

public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version without the commit suffix.</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit the binary was built from, when the build knew it.</summary>
    public static string Commit => Informational.Contains('+') ? Informational.Split('+')[1] : "unknown";
}
