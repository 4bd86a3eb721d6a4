using System.Diagnostics.Metrics;

namespace Kagent.Testing.Metrics;

/// <summary>Sums what an in-process System.Diagnostics.Metrics counter records from now on, for one tag value.</summary>
public sealed class InstrumentTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public InstrumentTotals(string instrument, string tag, string value)
    {
        _listener.InstrumentPublished = (i, listener) =>
        {
            if (i.Name == instrument) listener.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            foreach (var t in tags)
            {
                if (t.Key == tag && Equals(t.Value, value)) Interlocked.Add(ref _total, measurement);
            }
        });
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
