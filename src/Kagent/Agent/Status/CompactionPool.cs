namespace Kagent.Agent.Status;

/// <summary>
/// One instance of each namespace, node name and set of pod requests, shared by every cached pod that has it:
/// the pods of a workload differ in name only.
/// </summary>
public sealed class CompactionPool
{
    // Beyond this many distinct request sets (unusual: a workload's pods ask alike), pods keep their own.
    private const int MaxSharedAmounts = 4096;

    private readonly Dictionary<string, string> _strings = [];
    private readonly Dictionary<(decimal, decimal, decimal, decimal), ResourceAmounts> _amounts = [];

    public string? Intern(string? value)
    {
        if (value is null) return null;
        lock (_strings)
        {
            if (_strings.TryGetValue(value, out var existing)) return existing;
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
            if (_amounts.Count < MaxSharedAmounts) _amounts[key] = amounts;
            return amounts;
        }
    }

    public int SharedAmounts
    {
        get { lock (_amounts) return _amounts.Count; }
    }
}
