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

    public string? Intern(string? value) => value is null ? null : Share(_strings, value, value, stringCapacity);

    /// <summary>A read-only instance equal to <paramref name="amounts"/>, shared where another pod asked for the same.</summary>
    public ResourceAmounts Intern(ResourceAmounts amounts)
    {
        amounts.Freeze();
        return amounts.CommonAmounts is { } key ? Share(_amounts, key, amounts, amountsCapacity) : amounts;
    }

    private static TValue Share<TKey, TValue>(Dictionary<TKey, TValue> table, TKey key, TValue value, int capacity) where TKey : notnull
    {
        lock (table)
        {
            if (table.TryGetValue(key, out var existing)) return existing;
            if (table.Count >= capacity) table.Clear();
            table[key] = value;
            return value;
        }
    }
}
