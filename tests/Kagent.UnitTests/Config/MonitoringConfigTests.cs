using Kagent.Testing.Metrics;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Kagent.UnitTests.Config;

/// <summary>
/// The Grafana dashboard and the Prometheus rules are well formed. That every metric they query is one Kagent
/// exports is checked against a running agent and hub (ObservabilityTests).
/// </summary>
public sealed class MonitoringConfigTests
{
    [Theory]
    [InlineData("sum(kagent_fleet_cluster_ready{cluster=~\"$cluster\"})", new[] { "kagent_fleet_cluster_ready" })]
    [InlineData("histogram_quantile(0.99, sum by (member_cluster, le) (rate(kagent_probe_duration_seconds_bucket{member_cluster=~\"$cluster\"}[5m])))", new[] { "kagent_probe_duration_seconds_bucket" })]
    [InlineData("count(kagent_fleet_registration_phase{phase=\"Pending\"} == 1) or vector(0)", new[] { "kagent_fleet_registration_phase" })]
    [InlineData("sum by (x) (rate(a_total[5m])) > 0 and sum by (x) (rate(b_total[5m])) == 0", new[] { "a_total", "b_total" })]
    [InlineData("up{job=\"kagent-hub\"} == 0", new[] { "up" })]
    public void Metric_names_are_read_from_promql(string expression, string[] expected) =>
        Assert.Equal(expected.Order(), PromQl.MetricNames(expression).Order());

    [Fact]
    public void The_dashboard_has_a_query_in_every_panel_and_a_cluster_variable()
    {
        var dashboard = MonitoringConfig.Dashboard();
        Assert.Equal("kagent-fleet", dashboard["uid"]!.GetValue<string>());
        var panels = MonitoringConfig.Panels(dashboard).Where(p => p["type"]!.GetValue<string>() != "row").ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, p =>
        {
            var targets = p["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t!["expr"]!.GetValue<string>()), $"panel {p["title"]} has an empty query"));
        });
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        Assert.Contains(dashboard["templating"]!["list"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "cluster");

        // The issue's panels: ready clusters over time, heartbeat age, capacity and allocation, probe latency.
        var queries = MonitoringConfig.DashboardQueries().ToList();
        foreach (var metric in new[] { "kagent_fleet_cluster_ready", "kagent_fleet_heartbeat_age_seconds", "kagent_fleet_allocated_ratio", "cluster_cpu_allocatable_number", "kagent_probe_duration_seconds_bucket" })
        {
            Assert.Contains(queries, q => PromQl.MetricNames(q).Contains(metric));
        }
    }

    [Fact]
    public void Every_alert_has_an_expression_a_severity_and_a_summary_and_the_three_promised_alerts_exist()
    {
        var rules = MonitoringConfig.Rules().ToList();
        Assert.All(rules, r =>
        {
            Assert.False(string.IsNullOrWhiteSpace(((YamlScalarNode)r.Rule["expr"]).Value));
            Assert.Contains(((YamlScalarNode)((YamlMappingNode)r.Rule["labels"])["severity"]).Value, new[] { "critical", "warning", "info" });
            Assert.False(string.IsNullOrWhiteSpace(((YamlScalarNode)((YamlMappingNode)r.Rule["annotations"])["summary"]).Value));
        });
        var names = rules.Select(r => r.Alert).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Contains("KagentClusterNotReady", names);
        Assert.Contains("KagentHeartbeatStale", names);
        Assert.Contains("KagentRegistrationPendingTooLong", names);
    }
}
