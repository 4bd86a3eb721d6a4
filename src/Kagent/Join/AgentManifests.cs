using System.Reflection;
using System.Text;

namespace Kagent.Join;

/// <summary>
/// config/agent as built into the executable: the agent's namespace, ServiceAccount, RBAC, Deployment and
/// PodDisruptionBudget for a member, with the cluster's name (and API endpoint) filled in, in kustomization order.
/// </summary>
public static class AgentManifests
{
    private static readonly string[] Order = ["namespace.yaml", "service_account.yaml", "rbac.yaml", "work_rbac.yaml", "kubeconfig_rbac.yaml", "deployment.yaml", "pdb.yaml"];
    private const string NamePlaceholder = "- --cluster-name=CHANGE-ME";

    public static string Render(string clusterName, string? apiEndpoint)
    {
        var assembly = typeof(AgentManifests).Assembly;
        var text = new StringBuilder();
        foreach (var file in Order)
        {
            using var stream = assembly.GetManifestResourceStream($"agent-manifests/{file}")
                               ?? throw new InvalidOperationException($"config/agent/{file} is not built into this executable");
            var yaml = new StreamReader(stream).ReadToEnd();
            if (file == "deployment.yaml") yaml = WithArguments(yaml, clusterName, apiEndpoint);
            text.Append("---\n").Append(yaml.TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    private static string WithArguments(string deployment, string clusterName, string? apiEndpoint)
    {
        var at = deployment.IndexOf(NamePlaceholder, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("config/agent/deployment.yaml has no --cluster-name=CHANGE-ME argument");
        var indent = deployment[(deployment.LastIndexOf('\n', at) + 1)..at];
        var arguments = $"- --cluster-name={clusterName}" + (apiEndpoint is null ? "" : $"\n{indent}- --cluster-api-endpoint={apiEndpoint}");
        return deployment.Replace(NamePlaceholder, arguments, StringComparison.Ordinal);
    }
}
