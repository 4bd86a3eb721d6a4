using System.Text.Json.Nodes;
using Kagent.Testing.Servers;
using YamlDotNet.RepresentationModel;

namespace Kagent.Testing.Metrics;

/// <summary>The queries of config/grafana dashboards and config/prometheus alert rules.</summary>
public static class MonitoringConfig
{
    public static string DashboardPath => Path.Combine(RepositoryRoot.Find(), "config/grafana/kagent-fleet.json");

    public static string RulesPath => Path.Combine(RepositoryRoot.Find(), "config/prometheus/kagent-rules.yaml");

    public static JsonObject Dashboard() => JsonNode.Parse(File.ReadAllText(DashboardPath))!.AsObject();

    /// <summary>Every panel, rows' nested panels included.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().Select(p => p!.AsObject())
            .SelectMany(p => new[] { p }.Concat(p["panels"]?.AsArray().Select(n => n!.AsObject()) ?? []));

    public static IEnumerable<string> DashboardQueries()
    {
        var dashboard = Dashboard();
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray() ?? []) yield return target!["expr"]!.GetValue<string>();
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            if (variable!["definition"]?.GetValue<string>() is { } definition) yield return LabelValuesMetric(definition);
        }
    }

    /// <summary>The rules of the rule file: alert name and expression.</summary>
    public static IEnumerable<(string Alert, YamlMappingNode Rule)> Rules()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RulesPath)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        foreach (var group in (YamlSequenceNode)root["groups"])
        {
            foreach (var rule in (YamlSequenceNode)((YamlMappingNode)group)["rules"])
            {
                var mapping = (YamlMappingNode)rule;
                yield return (((YamlScalarNode)mapping["alert"]).Value!, mapping);
            }
        }
    }

    public static IEnumerable<string> RuleQueries() => Rules().Select(r => ((YamlScalarNode)r.Rule["expr"]).Value!);

    /// <summary>label_values(metric, label) names metric.</summary>
    private static string LabelValuesMetric(string definition)
    {
        var inner = definition[(definition.IndexOf('(') + 1)..definition.LastIndexOf(')')];
        return inner.Split(',')[0].Trim();
    }
}
