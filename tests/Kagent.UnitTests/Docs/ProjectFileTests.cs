using System.Reflection;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Testing.Servers;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Kagent.UnitTests.Docs;

/// <summary>PROJECT is kubebuilder's config version 3, and each resource it lists is the C# type at its path.</summary>
public sealed class ProjectFileTests
{
    [Fact]
    public void Every_resource_in_PROJECT_is_the_type_its_path_names_with_the_same_group_version_and_kind()
    {
        var root = RepositoryRoot.Find();
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(root, "PROJECT"))));
        var project = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("3", Scalar(project, "version"));
        Assert.Equal("kagent.io", Scalar(project, "domain"));
        Assert.False(string.IsNullOrEmpty(Scalar(project, "repo")));

        var entities = typeof(Cluster).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(t => t.Entity is not null)
            .ToDictionary(t => t.Entity!.Kind, t => (t.Type, Entity: t.Entity!));
        var resources = ((YamlSequenceNode)project.Children[new YamlScalarNode("resources")]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Equal(entities.Keys.Order(), resources.Select(r => Scalar(r, "kind")).Order());

        foreach (var resource in resources)
        {
            var kind = Scalar(resource, "kind")!;
            var (type, entity) = entities[kind];

            // Kubebuilder's qualified group: group.domain, or the domain alone when there is no group.
            var group = Scalar(resource, "group") is { } g ? $"{g}.{Scalar(resource, "domain")}" : Scalar(resource, "domain");
            Assert.Equal(entity.Group, group);
            Assert.Equal(entity.ApiVersion, Scalar(resource, "version"));
            var path = Scalar(resource, "path")!;
            Assert.True(File.Exists(Path.Combine(root, path)), $"{kind}: {path} does not exist");
            Assert.Contains($"class {type.Name}", File.ReadAllText(Path.Combine(root, path)));
        }
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
