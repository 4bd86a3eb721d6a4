using System.Text.Json;
using k8s;
using k8s.Models;
using Kagent.Api.ClusterInventory;
using Kagent.Api.Karmada;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>
/// The hub publishes a SIG-Multicluster ClusterProfile for every Karmada Cluster (kagent-system, cluster manager
/// "kagent", as the hub runs by default with config/rbac): created with the Cluster, its status following the
/// Cluster's, deleted with it; a profile another cluster manager owns is left alone and reported.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class ClusterProfileTests(OnboardingFixture onboarding)
{
    private const string Inventory = "kagent-system";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private IKubernetes Admin => onboarding.ControlPlane.Admin;

    private EntityClient<ClusterProfile> Profiles => new(Admin);

    [Fact]
    public async Task A_registered_cluster_gets_a_profile_that_follows_its_status_and_goes_with_it()
    {
        const string name = "profile-a";
        await RegisterAsync(name, "eu-1");

        // Created: the manager's name and label, the cluster's id, no Ready yet.
        var profile = await Eventually.MatchAsync(() => Profiles.GetAsync(name, Inventory), p => Property(p, "kagent.io/region") == "eu-1", Timeout, "profile published");
        Assert.Equal("kagent", profile!.Metadata.Labels[ClusterProfile.ClusterManagerLabel]);
        Assert.Equal(("kagent", name), (profile.Spec.ClusterManager.Name, profile.Spec.DisplayName));
        Assert.Equal($"id-{name}", Property(profile, ClusterProfile.PropertyClusterId));
        Assert.Equal("Pull", Property(profile, "kagent.io/sync-mode"));
        Assert.Equal(("Unknown", "NoReadyCondition"), Healthy(profile));

        // The agent reports: ControlPlaneHealthy mirrors Ready, the version and node counts follow.
        var clusters = new EntityClient<Cluster>(Admin);
        await Eventually.TrueAsync(async () =>
        {
            var cluster = (await clusters.GetAsync(name))!;
            cluster.Status = new ClusterStatus
            {
                KubernetesVersion = "v1.20.2",
                NodeSummary = new NodeSummary { TotalNum = 3, ReadyNum = 3 },
                Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "ClusterReady", Message = "cluster is healthy and ready to accept workloads", LastTransitionTime = DateTime.UtcNow }],
            };
            try
            {
                await clusters.ReplaceStatusAsync(cluster);
                return true;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
        }, Timeout, "Cluster status written as an agent would");
        profile = await Eventually.MatchAsync(() => Profiles.GetAsync(name, Inventory), p => Healthy(p).Status == "True", Timeout, "ControlPlaneHealthy True");
        Assert.Equal(("True", "ClusterReady"), Healthy(profile));
        Assert.Equal("v1.20.2", profile!.Status.Version?.Kubernetes);
        Assert.Equal(("3", "3"), (Property(profile, "kagent.io/nodes"), Property(profile, "kagent.io/ready-nodes")));

        // A changed registration changes the Cluster, and the profile follows; unchanged values keep their time.
        var observed = profile.Status.Properties!.Single(p => p.Name == ClusterProfile.PropertyClusterId).LastObservedTime;
        await onboarding.Registrations.MergePatchAsync(name, new { spec = new { region = "eu-2" } });
        profile = await Eventually.MatchAsync(() => Profiles.GetAsync(name, Inventory), p => Property(p, "kagent.io/region") == "eu-2", Timeout, "region followed");
        Assert.Equal(observed, profile!.Status.Properties!.Single(p => p.Name == ClusterProfile.PropertyClusterId).LastObservedTime);

        // On the wire exactly the upstream API's fields (cluster-inventory-api v1alpha1).
        var raw = JsonSerializer.SerializeToElement(await Admin.CustomObjects.GetNamespacedCustomObjectAsync(ClusterProfile.Group, ClusterProfile.Version, Inventory, "clusterprofiles", name));
        Assert.Equal(["clusterManager", "displayName"], Keys(raw.GetProperty("spec")));
        Assert.Equal(["conditions", "properties", "version"], Keys(raw.GetProperty("status")).Except(["accessProviders"]).ToArray());
        Assert.Equal(["kubernetes"], Keys(raw.GetProperty("status").GetProperty("version")));
        Assert.All(raw.GetProperty("status").GetProperty("properties").EnumerateArray(), p => Assert.Equal(["lastObservedTime", "name", "value"], Keys(p)));
        Assert.Equal(["lastTransitionTime", "message", "reason", "status", "type"], Keys(raw.GetProperty("status").GetProperty("conditions")[0]));
        var access = raw.GetProperty("status").GetProperty("accessProviders")[0];
        Assert.Equal("kagent", access.GetProperty("name").GetString());
        Assert.Equal("https://profile-a.example:6443", access.GetProperty("cluster").GetProperty("server").GetString());
        var exec = access.GetProperty("cluster").GetProperty("extensions")[0];
        Assert.Equal(("client.authentication.k8s.io/exec", name), (exec.GetProperty("name").GetString(), exec.GetProperty("extension").GetProperty("clusterName").GetString()));

        // Deleted by hand: put back.
        await Profiles.DeleteAsync(name, Inventory);
        await Eventually.MatchAsync(() => Profiles.GetAsync(name, Inventory), p => Property(p, "kagent.io/region") == "eu-2", Timeout, "profile put back");

        // Deregistered: the Cluster goes, and so does its profile.
        await onboarding.Registrations.DeleteAsync(name);
        await Eventually.TrueAsync(async () => await Profiles.GetAsync(name, Inventory) is null, Timeout, "profile deleted with the Cluster");
    }

    [Fact]
    public async Task A_profile_of_another_cluster_manager_is_left_alone_and_reported()
    {
        const string name = "profile-foreign";
        await Profiles.CreateAsync(new ClusterProfile
        {
            ApiVersion = $"{ClusterProfile.Group}/{ClusterProfile.Version}", Kind = "ClusterProfile",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Inventory, Labels = new Dictionary<string, string> { [ClusterProfile.ClusterManagerLabel] = "ocm" } },
            Spec = new ClusterProfileSpec { ClusterManager = new ClusterManager { Name = "ocm" } },
        });
        await RegisterAsync(name, "eu-1");

        await Eventually.TrueAsync(async () => (await Admin.CoreV1.ListNamespacedEventAsync("default", fieldSelector: $"involvedObject.name={name}"))
            .Items.Any(e => e.Reason == "ClusterProfileOwnedByOther" && e.Type == "Warning"), Timeout, "the conflict reported as an Event on the Cluster");
        var profile = (await Profiles.GetAsync(name, Inventory))!;
        Assert.Equal("ocm", profile.Spec.ClusterManager.Name);
        Assert.Null(profile.Status?.Properties);

        // Deregistered: the foreign profile stays.
        await onboarding.Registrations.DeleteAsync(name);
        await Eventually.TrueAsync(async () => await new EntityClient<Cluster>(Admin).GetAsync(name) is null, Timeout, "Cluster removed");
        Assert.NotNull(await Profiles.GetAsync(name, Inventory));
        await Profiles.DeleteAsync(name, Inventory);
    }

    private async Task RegisterAsync(string name, string region)
    {
        await onboarding.Registrations.CreateAsync(new ClusterRegistration
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new ClusterRegistrationSpec { ClusterId = $"id-{name}", ApiEndpoint = $"https://{name}.example:6443", SyncMode = "Pull", Region = region, Accepted = true },
        });
        await onboarding.WaitForPhaseAsync(name, OnboardingConstants.PhaseRegistered, Timeout);
    }

    private static string? Property(ClusterProfile? profile, string name) => profile?.Status?.Properties?.FirstOrDefault(p => p.Name == name)?.Value;

    private static (string? Status, string? Reason) Healthy(ClusterProfile? profile) =>
        profile?.Status?.Conditions?.FirstOrDefault(c => c.Type == ClusterProfile.ConditionControlPlaneHealthy) is { } c ? (c.Status, c.Reason) : (null, null);

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
