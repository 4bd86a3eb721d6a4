using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s.Models;
using Kagent.Api.Karmada;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Tests.Onboarding;
using Xunit;
using Xunit.Abstractions;

namespace Kagent.Tests.Reliability;

/// <summary>
/// The hub restarted while 100 clients watch clusterhealths through kube-apiserver: each watch ends, each client
/// lists again (as kubectl and client-go do) and sees the same fleet, and the APIService is Available again.
/// </summary>
[Collection(OnboardingCollection.Name)]
public sealed class HubRestartTests(OnboardingFixture onboarding, ITestOutputHelper output)
{
    private const int Watchers = 100;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] Names = ["restart-a", "restart-b", "restart-c"];
    private const string Path = "apis/kagent.io/v1alpha1/clusterhealths";

    [Fact]
    public async Task A_hub_restart_under_100_watches_ends_each_cleanly_and_every_client_relists_the_same_fleet()
    {
        var clusters = new EntityClient<Cluster>(onboarding.ControlPlane.Admin);
        foreach (var name in Names)
        {
            await clusters.CreateAsync(new Cluster { Metadata = new V1ObjectMeta { Name = name }, Spec = new ClusterSpec { SyncMode = "Push", ApiEndpoint = "https://10.0.0.1:6443" } });
        }

        try
        {
            var before = await Eventually.MatchAsync(ListNamesAsync, names => Names.All(names.Contains), Timeout, "clusters listed");
            var watching = new CountdownEvent(Watchers);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var clients = Enumerable.Range(0, Watchers).Select(_ => WatchThenRelistAsync(watching, stop.Token)).ToList();
            Assert.True(watching.Wait(Timeout), $"only {Watchers - watching.CurrentCount} of {Watchers} watches opened");

            onboarding.KillHub();

            // While it is down, kubectl says so as docs/operations.md quotes it.
            var down = await Eventually.MatchAsync(() => onboarding.KubectlAsync("get", "clusterhealth"), r => r.ExitCode != 0, Timeout, "kubectl fails while the hub is down");
            output.WriteLine(down.StandardError.Trim());
            Assert.Contains("the server is currently unable to handle the request", down.StandardError);
            Assert.Contains("kagent.io", down.StandardError);

            var restarted = Stopwatch.StartNew();
            await onboarding.StartHubAgainAsync();
            var relisted = await Task.WhenAll(clients);
            output.WriteLine($"hub started again; APIService Available and every client relisted {restarted.Elapsed.TotalSeconds:0.0}s later");

            Assert.All(relisted, names => Assert.Equal(before.Order(), names.Order()));
        }
        finally
        {
            foreach (var name in Names) await clusters.DeleteAsync(name);
        }
    }

    /// <summary>Lists, watches from the list's version until the watch ends, then lists again until that works.</summary>
    private async Task<IReadOnlyList<string>> WatchThenRelistAsync(CountdownEvent watching, CancellationToken cancellationToken)
    {
        var list = JsonNode.Parse(await GetStringAsync(Path, cancellationToken))!;
        var version = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        try
        {
            using var response = await onboarding.ControlPlane.Admin.SendAsync(HttpMethod.Get, $"{Path}?watch=1&resourceVersion={version}", cancellationToken: cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream);
            watching.Signal();
            while (await reader.ReadLineAsync(cancellationToken) is not null)
            {
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The connection broke instead of ending: the same for a client.
        }

        while (true)
        {
            try
            {
                return await ListNamesAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private Task<IReadOnlyList<string>> ListNamesAsync() => ListNamesAsync(CancellationToken.None);

    private async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken)
    {
        var list = JsonNode.Parse(await GetStringAsync(Path, cancellationToken))!;
        return list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
    }

    private async Task<string> GetStringAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await onboarding.ControlPlane.Admin.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
