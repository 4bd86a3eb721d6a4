using System.Globalization;
using System.Text.RegularExpressions;

namespace Kagent.Testing.Metrics;

/// <summary>One sample of a Prometheus text exposition.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A scrape of a /metrics endpoint, parsed: samples, and the metric families it declares (# TYPE).</summary>
public sealed partial class MetricsScrape
{
    private MetricsScrape(IReadOnlyList<Sample> samples, IReadOnlySet<string> families)
    {
        Samples = samples;
        Families = families;
    }

    public IReadOnlyList<Sample> Samples { get; }

    public IReadOnlySet<string> Families { get; }

    public static async Task<MetricsScrape> FetchAsync(int port)
    {
        using var http = new HttpClient();
        return Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
    }

    public static MetricsScrape Parse(string text)
    {
        var samples = new List<Sample>();
        var families = new HashSet<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                families.Add(line.Split(' ')[2]);
                continue;
            }

            if (line.Length == 0 || line[0] == '#') continue;
            var match = SampleLine().Match(line);
            if (!match.Success) throw new FormatException($"not a Prometheus sample: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
            samples.Add(new Sample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }

        return new MetricsScrape(samples, families);
    }

    /// <summary>The sum of the samples of this name whose labels include all of these; null when there is none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels)
    {
        var matching = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
