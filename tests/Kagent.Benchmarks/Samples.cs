namespace Kagent.Benchmarks;

/// <summary>Quantiles of measured samples, by the nearest-rank rule (a quantile is always one of the samples).</summary>
public static class Samples
{
    public static double Quantile(IEnumerable<double> samples, double q)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
