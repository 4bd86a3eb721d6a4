
namespace Kagent.Onboarding;

/// <summary>A Kubernetes version such as v1.20.2, 1.20 or v1.28.3-eks-1234 (the suffix is ignored).</summary>
public static class KubernetesVersion
{
    public static bool TryParse(string? text, out Version version)
    {
        version = new Version(0, 0);
        if (string.IsNullOrWhiteSpace(text)) return false;
        var core = text.Trim().TrimStart('v', 'V').Split('-', '+')[0];
        var parts = core.Split('.');
        if (parts.Length is < 2 or > 3 || parts.Any(p => !int.TryParse(p, out var n) || n < 0)) return false;
        version = new Version(int.Parse(parts[0]), int.Parse(parts[1]), parts.Length == 3 ? int.Parse(parts[2]) : 0);
        return true;
    }
}
