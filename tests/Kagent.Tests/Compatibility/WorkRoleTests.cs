using k8s;
using k8s.Models;
using Kagent.Testing;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Compatibility;

/// <summary>
/// What the agent needs on its Works fits the Role karmadactl register creates for karmada-agent
/// (system:karmada:&lt;cluster&gt;:agent-work, shared/reference/karmada-work.md section 7), so a cluster registered by
/// Karmada needs no new grant for Kagent to execute, report and release its Works.
/// </summary>
public sealed class WorkRoleTests
{
    private static readonly Permission[] KarmadaAgentWork =
    [
        .. new[] { "get", "create", "list", "watch", "update", "delete" }.Select(v => new Permission("work.karmada.io", "works", v, null)),
        .. new[] { "patch", "update" }.Select(v => new Permission("work.karmada.io", "works/status", v, null)),
    ];

    [Fact]
    public void The_agents_work_role_asks_nothing_karmadas_agent_work_role_does_not_grant()
    {
        var role = KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "config/rbac/agent_role.yaml")))
            .OfType<V1ClusterRole>().Single(r => r.Metadata.Name == "kagent-agent-work");
        var asked = Permission.Expand(role.Rules, null);

        Assert.NotEmpty(asked);
        Assert.Empty(asked.Except(KarmadaAgentWork));
    }
}
