using k8s.Models;

namespace Kagent.Agent.Status;

/// <summary>
/// Amounts of resources (cpu in cores, memory and storage in bytes, pods and extended resources in units), kept
/// as decimals so that sums over thousands of nodes are exact. cpu, memory, ephemeral-storage and pods have
/// fields of their own; other resources (GPUs, hugepages) go to a small dictionary that most objects never allocate.
/// </summary>
public sealed class ResourceAmounts
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string EphemeralStorage = "ephemeral-storage";
    public const string Pods = "pods";

    private Dictionary<string, decimal>? _extended;
    private bool _frozen;

    public decimal CpuCores { get; private set; }

    public decimal MemoryBytes { get; private set; }

    public decimal EphemeralStorageBytes { get; private set; }

    public decimal PodCount { get; private set; }

    public decimal this[string name] => name switch
    {
        Cpu => CpuCores,
        Memory => MemoryBytes,
        EphemeralStorage => EphemeralStorageBytes,
        Pods => PodCount,
        _ => _extended?.GetValueOrDefault(name) ?? 0,
    };

    public IEnumerable<string> Names => new[] { Cpu, Memory, EphemeralStorage, Pods }.Where(n => this[n] != 0).Concat(_extended?.Keys ?? Enumerable.Empty<string>());

    public static ResourceAmounts From(IDictionary<string, ResourceQuantity>? list)
    {
        var amounts = new ResourceAmounts();
        foreach (var (name, quantity) in list ?? new Dictionary<string, ResourceQuantity>()) amounts.Set(name, quantity.ToDecimal());
        return amounts;
    }

    /// <summary>The four common amounts, when there is no other resource: what makes two instances interchangeable.</summary>
    public (decimal Cpu, decimal Memory, decimal EphemeralStorage, decimal Pods)? CommonAmounts =>
        _extended is null || _extended.Count == 0 ? (CpuCores, MemoryBytes, EphemeralStorageBytes, PodCount) : null;

    /// <summary>Makes this instance read-only, so that it can be shared (see <see cref="CompactionPool"/>).</summary>
    public ResourceAmounts Freeze()
    {
        _frozen = true;
        return this;
    }

    public void Set(string name, decimal value)
    {
        if (_frozen) throw new InvalidOperationException("shared resource amounts cannot change");
        switch (name)
        {
            case Cpu: CpuCores = value; break;
            case Memory: MemoryBytes = value; break;
            case EphemeralStorage: EphemeralStorageBytes = value; break;
            case Pods: PodCount = value; break;
            default:
                _extended ??= new Dictionary<string, decimal>();
                if (value == 0) _extended.Remove(name);
                else _extended[name] = value;
                break;
        }
    }

    /// <summary>this += sign × other.</summary>
    public void Add(ResourceAmounts other, int sign = 1)
    {
        foreach (var name in other.Names.ToList()) Set(name, this[name] + sign * other[name]);
    }

    /// <summary>Element-wise max, as Kubernetes combines init containers with the rest of a pod.</summary>
    public void MaxWith(ResourceAmounts other)
    {
        foreach (var name in other.Names.ToList()) Set(name, Math.Max(this[name], other[name]));
    }

    public bool IsZero => CpuCores == 0 && MemoryBytes == 0 && EphemeralStorageBytes == 0 && PodCount == 0 && (_extended is null || _extended.Count == 0);

    /// <summary>As a Kubernetes ResourceList: cpu in decimal SI (such as 1500m), byte amounts in binary SI (such as 4Gi).</summary>
    public Dictionary<string, ResourceQuantity> ToResourceList()
    {
        var list = new Dictionary<string, ResourceQuantity>();
        foreach (var name in Names.Order(StringComparer.Ordinal))
        {
            var value = this[name];
            var binary = name is Memory or EphemeralStorage || name.StartsWith("hugepages-", StringComparison.Ordinal);
            list[name] = new ResourceQuantity(value, 0, binary && value == decimal.Truncate(value) ? ResourceQuantity.SuffixFormat.BinarySI : ResourceQuantity.SuffixFormat.DecimalSI);
        }

        return list;
    }
}
