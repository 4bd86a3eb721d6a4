namespace Kagent.Agent.Status;

/// <summary>Karmada's arithmetic of what a pod asks for (pkg/util/resource.go AddPodRequest).</summary>
public static class PodRequests
{
    /// <summary>Σ containers, element-wise max with each init container, plus overhead, plus one pod.</summary>
    public static ResourceAmounts Of(SlimPodSpec? spec)
    {
        var total = new ResourceAmounts();
        foreach (var container in spec?.Containers ?? []) total.Add(ResourceAmounts.From(container.Resources?.Requests));
        foreach (var init in spec?.InitContainers ?? []) total.MaxWith(ResourceAmounts.From(init.Resources?.Requests));
        if (spec?.Overhead is { } overhead) total.Add(ResourceAmounts.From(overhead));
        total.Set(ResourceAmounts.Pods, total.PodCount + 1);
        return total;
    }

    /// <summary>Pods that no longer hold resources on their node.</summary>
    public static bool IsTerminal(string? phase) => phase is "Succeeded" or "Failed";
}
