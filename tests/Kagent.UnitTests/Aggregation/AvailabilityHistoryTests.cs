using Kagent.Aggregation.Availability;
using Kagent.Api.V1Alpha1;
using Kagent.Api.V1Beta1;
using Xunit;

namespace Kagent.UnitTests.Aggregation;

/// <summary>A cluster's readiness history: windows summed from transitions, the hourly aggregate, the bounds.</summary>
public sealed class AvailabilityHistoryTests
{
    private static readonly DateTime Start = new(2026, 11, 1, 10, 20, 0, DateTimeKind.Utc);

    [Fact]
    public void A_short_outage_counts_exactly_in_every_window()
    {
        var history = new ClusterAvailabilitySpec();
        Record(history, AvailabilityStates.Up, Start);
        Record(history, AvailabilityStates.Down, Start.AddMinutes(10));
        Record(history, AvailabilityStates.Up, Start.AddMinutes(15));

        var hour = Window(history, "1h", Start.AddMinutes(60));
        Assert.Equal((55 * 60L, 5 * 60L, 0L, 2, 300L, true), (hour.UpSeconds, hour.DownSeconds, hour.UnobservedSeconds, hour.Transitions, hour.LongestOutageSeconds, hour.Exact));
        Assert.Equal(Math.Round(55.0 / 60, 6), hour.Ratio);

        // The day reaches back before the first observation: only the observed hour counts.
        var day = Window(history, "24h", Start.AddMinutes(60));
        Assert.Equal((55 * 60L, 5 * 60L), (day.UpSeconds, day.DownSeconds));

        // Two hours on, the outage has left the 1h window but not the 24h one.
        var later = Window(history, "1h", Start.AddHours(2));
        Assert.Equal((1.0, 0, 0L), (later.Ratio, later.Transitions, later.LongestOutageSeconds));
        Assert.Equal(2, Window(history, "24h", Start.AddHours(2)).Transitions);
    }

    [Fact]
    public void An_outage_still_lasting_counts_up_to_now()
    {
        var history = new ClusterAvailabilitySpec();
        Record(history, AvailabilityStates.Up, Start);
        Record(history, AvailabilityStates.Down, Start.AddMinutes(30));

        var hour = Window(history, "1h", Start.AddMinutes(90));
        Assert.Equal((0.0, 3600L, 3600L), (hour.Ratio, hour.DownSeconds, hour.LongestOutageSeconds));
    }

    [Fact]
    public void Time_no_hub_observed_counts_neither_up_nor_down()
    {
        var history = new ClusterAvailabilitySpec();
        Record(history, AvailabilityStates.Up, Start);
        Record(history, AvailabilityStates.Unobserved, Start.AddHours(1));
        Record(history, AvailabilityStates.Down, Start.AddHours(3));
        Record(history, AvailabilityStates.Up, Start.AddHours(4));

        var day = Window(history, "24h", Start.AddHours(5));
        Assert.Equal((2 * 3600L, 3600L, 2 * 3600L), (day.UpSeconds, day.DownSeconds, day.UnobservedSeconds));
        Assert.Equal(Math.Round(2.0 / 3, 6), day.Ratio);

        // The aggregate holds the same, hour by hour.
        Assert.Equal(2 * 3600L, history.Hours.Sum(h => h.UnobservedSeconds));
        Assert.Equal(3600L, history.Hours.Sum(h => h.DownSeconds));
    }

    [Fact]
    public void The_same_state_again_is_no_transition_and_a_clock_that_went_back_makes_no_negative_time()
    {
        var history = new ClusterAvailabilitySpec();
        Assert.True(Record(history, AvailabilityStates.Up, Start));
        Assert.False(Record(history, AvailabilityStates.Up, Start.AddMinutes(5)));
        Assert.True(Record(history, AvailabilityStates.Down, Start.AddMinutes(-5)));
        Assert.Equal(Start, history.Transitions[^1].Time);
        Assert.All(history.Hours, h => Assert.True(h.DownSeconds >= 0));
    }

    [Fact]
    public void Ten_thousand_transitions_keep_the_bounds_and_the_30_day_ratio_from_the_aggregate()
    {
        // 40 days of a cluster down for 1 minute in every 6: 9,600 outages, 19,200 transitions.
        var history = new ClusterAvailabilitySpec();
        var at = Start;
        Record(history, AvailabilityStates.Up, at);
        for (var i = 0; i < 9_600; i++)
        {
            Record(history, AvailabilityStates.Down, at.AddMinutes(5));
            Record(history, AvailabilityStates.Up, at.AddMinutes(6));
            at = at.AddMinutes(6);
        }

        Assert.Equal(AvailabilityLimits.Transitions, history.Transitions.Count);
        Assert.True(history.Hours.Count <= AvailabilityLimits.Hours, $"{history.Hours.Count} hours kept");
        Assert.True(history.Hours[0].Start >= at.AddDays(-30), $"oldest hour {history.Hours[0].Start:o}");

        var month = Window(history, "30d", at);
        Assert.False(month.Exact);
        Assert.InRange(month.Ratio!.Value, 5.0 / 6 - 0.001, 5.0 / 6 + 0.001);
        Assert.InRange(month.Transitions, 14_360, 14_440); // 30 days × 240 outages × 2, give or take the pro-rated hours
        Assert.Equal(60L, month.LongestOutageSeconds);

        var hour = Window(history, "1h", at);
        Assert.True(hour.Exact); // 100 transitions span 5 hours
        Assert.Equal(Math.Round(5.0 / 6, 6), hour.Ratio);
    }

    [Fact]
    public void Availability_json_written_by_hand_is_what_the_serializer_writes()
    {
        var history = new ClusterAvailabilitySpec();
        Record(history, AvailabilityStates.Up, Start);
        Record(history, AvailabilityStates.Down, Start.AddMinutes(10.123456));
        Record(history, AvailabilityStates.Up, Start.AddMinutes(10.5));
        foreach (var now in new[] { Start, Start.AddMinutes(11), Start.AddDays(3) })
        {
            var availability = AvailabilityWindows.Compute(history, now)!;
            var expected = System.Text.Json.JsonSerializer.Serialize(availability, Kagent.Operator.Client.KubeJson.Options);
            var written = System.Text.Encoding.UTF8.GetString(AvailabilityJson.Serialize(availability));
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(expected), System.Text.Json.Nodes.JsonNode.Parse(written)), $"{expected}\n{written}");
        }
    }

    private static bool Record(ClusterAvailabilitySpec history, string state, DateTime at) =>
        AvailabilityHistory.Record(history, state, state == AvailabilityStates.Up ? "ClusterReady" : "HeartbeatStale", at);

    private static AvailabilityWindow Window(ClusterAvailabilitySpec history, string name, DateTime now) =>
        AvailabilityWindows.Compute(history, now)!.Windows.Single(w => w.Window == name);
}
