using Kagent.Api.Karmada;

namespace Kagent.Agent.Status;

/// <summary>Karmada's resource models: nodes graded by what they still have free.</summary>
public static class ResourceModels
{
    private static readonly decimal GiB = 1024m * 1024 * 1024;

    /// <summary>Karmada's nine default grades (cpu cores / memory GiB), used when Cluster.spec.resourceModels is empty.</summary>
    public static IReadOnlyList<ResourceModel> Defaults { get; } = Build(
        (0, 1, 0, 4), (1, 2, 4, 16), (2, 4, 16, 32), (4, 8, 32, 64), (8, 16, 64, 128),
        (16, 32, 128, 256), (32, 64, 256, 512), (64, 128, 512, 1024), (128, long.MaxValue, 1024, long.MaxValue));

    /// <summary>
    /// One entry per grade: how many nodes have that grade. A node's grade for a resource is the highest grade whose
    /// minimum it reaches; its overall grade is the lowest across the model's resources. Nodes that cannot take
    /// another pod count in no grade, and unlike Karmada a full node does not stop the counting of the others.
    /// </summary>
    public static List<AllocatableModeling> Grade(IReadOnlyList<ResourceModel>? models, IReadOnlyList<ResourceAmounts> availablePerNode)
    {
        var sorted = (models is { Count: > 0 } ? models : Defaults).OrderBy(m => m.Grade).ToList();
        var counts = new int[sorted.Count];
        foreach (var available in availablePerNode)
        {
            if (available.PodCount <= 0) continue;
            var grade = sorted.Count - 1;
            foreach (var resource in sorted[0].Ranges.Select(r => r.Name))
            {
                var amount = available[resource];
                var highest = 0;
                for (var i = 0; i < sorted.Count; i++)
                {
                    var range = sorted[i].Ranges.FirstOrDefault(r => r.Name == resource);
                    if (range is not null && range.Min.ToDecimal() <= amount) highest = i;
                }

                grade = Math.Min(grade, highest);
            }

            counts[grade]++;
        }

        return sorted.Select((model, i) => new AllocatableModeling { Grade = model.Grade, Count = counts[i] }).ToList();
    }

    private static IReadOnlyList<ResourceModel> Build(params (long CpuMin, long CpuMax, long MemMin, long MemMax)[] grades) =>
        grades.Select((g, i) => new ResourceModel
        {
            Grade = (uint)i,
            Ranges =
            [
                new ResourceModelRange { Name = ResourceAmounts.Cpu, Min = new(g.CpuMin.ToString()), Max = new(g.CpuMax.ToString()) },
                new ResourceModelRange
                {
                    Name = ResourceAmounts.Memory,
                    Min = new k8s.Models.ResourceQuantity(g.MemMin * GiB, 0, k8s.Models.ResourceQuantity.SuffixFormat.BinarySI),
                    Max = g.MemMax == long.MaxValue ? new(long.MaxValue.ToString()) : new k8s.Models.ResourceQuantity(g.MemMax * GiB, 0, k8s.Models.ResourceQuantity.SuffixFormat.BinarySI),
                },
            ],
        }).ToList();
}
