using k8s;
using k8s.Models;
using Kagent.Testing.Servers;

namespace Kagent.Testing;

/// <summary>The agent's Deployment as shipped (config/agent/deployment.yaml), so that benchmarks run the agent as a member runs it.</summary>
public static class AgentDeployment
{
    public static V1Deployment Load() =>
        KubernetesYaml.Deserialize<V1Deployment>(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "config", "agent", "deployment.yaml")));

    /// <summary>The agent container's environment (it overrides the image's ENV lines, as in a pod).</summary>
    public static IReadOnlyDictionary<string, string> Environment() =>
        Load().Spec.Template.Spec.Containers.Single(c => c.Name == "agent").Env?.ToDictionary(e => e.Name, e => e.Value ?? "") ?? new Dictionary<string, string>();

    /// <summary>
    /// The container's environment without the variables $KAGENT_BENCH_ENV sets (hack/bench.sh exports those on top,
    /// to measure a variant).
    /// </summary>
    public static IReadOnlyDictionary<string, string> EnvironmentForBenchmarks()
    {
        var variants = (System.Environment.GetEnvironmentVariable("KAGENT_BENCH_ENV") ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(setting => setting.Split('=', 2)[0]).ToHashSet();
        return Environment().Where(e => !variants.Contains(e.Key)).ToDictionary();
    }
}
