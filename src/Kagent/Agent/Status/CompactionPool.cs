namespace Kagent.Agent.Status;

/// <summary>
/// One instance of each namespace, node name and set of pod requests, shared by every cached pod that has it:
/// the pods of a workload differ in name only. Each table is bounded: when full it starts over, and the pods
/// keep the instances they hold, so names of nodes long gone (an autoscaled cluster) do not pile up.
/// </summary>
public sealed class CompactionPool(int stringCapacity = 65_536, int amountsCapacity = 4_096)
{
    private readonly Dictionary<string, string> _strings = [];
    private readonly Dictionary<(decimal, decimal, decimal, decimal), ResourceAmounts> _amounts = [];

    public int SharedStrings
    {
        get { lock (_strings) return _strings.Count; }
    }

    public int SharedAmounts
    {
        get { lock (_amounts) return _amounts.Count; }
    }

    public string? Intern(string? value)
    {
        if (value is null) return null;
        lock (_strings)
        {
            if (_strings.TryGetValue(value, out var existing)) return existing;
            if (_strings.Count >= stringCapacity) _strings.Clear();
            _strings[value] = value;
            return value;
        }
    }

    /// <summary>A read-only instance equal to <paramref name="amounts"/>, shared where another pod asked for the same.</summary>
    public ResourceAmounts Intern(ResourceAmounts amounts)
    {
        amounts.Freeze();
        if (amounts.CommonAmounts is not { } key) return amounts;
        lock (_amounts)
        {
            if (_amounts.TryGetValue(key, out var shared)) return shared;
            if (_amounts.Count >= amountsCapacity) _amounts.Clear();
            _amounts[key] = amounts;
            return amounts;
        }
    }
}
