using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Kagent.Api.V1Beta1;
using Kagent.Operator.Client;
using Kagent.Testing;
using Kagent.Testing.Servers;
using Xunit;

namespace Kagent.Tests.Onboarding;

/// <summary>Admission-enforced onboarding: each invalid registration or policy is refused through kube-apiserver, naming the field.</summary>
[Collection(OnboardingCollection.Name)]
public sealed class OnboardingAdmissionTests(OnboardingFixture onboarding)
{
    private static string Registration(string name, string spec) => $"""
        apiVersion: kagent.io/v1beta1
        kind: ClusterRegistration
        metadata:
          name: {name}
        spec:
        {Indent(spec)}
        """;

    private static string Policy(string name, string spec) => $"""
        apiVersion: kagent.io/v1beta1
        kind: OnboardingPolicy
        metadata:
          name: {name}
        spec:
        {Indent(spec)}
        """;

    public static TheoryData<string, string, string> InvalidObjects => new()
    {
        { "name too long", Registration(new string('a', 50), "clusterID: x1"), $"metadata.name: '{new string('a', 50)}' is longer than 48 characters" },
        { "plain http endpoint", Registration("adm-http", "apiEndpoint: http://10.0.0.1:6443"), "spec.apiEndpoint: 'http://10.0.0.1:6443' is not an absolute https URL" },
        { "relative endpoint", Registration("adm-relative", "apiEndpoint: /api"), "spec.apiEndpoint: '/api' is not an absolute https URL" },
        { "push mode", Registration("adm-push", "syncMode: Push"), "spec.syncMode: 'Push' is not supported; Kagent registers Pull clusters only" },
        { "bad taint effect", Registration("adm-taint", "taints:\n- key: dedicated\n  effect: Sometimes"), "spec.taints[0]: effect 'Sometimes' of taint 'dedicated' is not NoSchedule, PreferNoSchedule or NoExecute" },
        { "bad taint key", Registration("adm-taint-key", "taints:\n- key: -bad-\n  effect: NoSchedule"), "spec.taints[0]: '-bad-' is not a valid label key" },
        { "duplicate taint", Registration("adm-taint-dup", "taints:\n- key: a\n  effect: NoSchedule\n- key: a\n  effect: NoSchedule"), "spec.taints[1]: taint 'a:NoSchedule' is listed twice" },
        { "bad label key", Registration("adm-label", "labels:\n  -team: x"), "spec.labels[-team]: '-team' is not a valid label key" },
        { "bad label value", Registration("adm-label-value", "labels:\n  team: 'a b'"), "spec.labels[team]: 'a b' is not a valid label value" },
        { "duplicate zone", Registration("adm-zones", "zones: [z1, z1]"), "spec.zones[1]: 'z1' is listed twice" },
        { "long zone", Registration("adm-zone-long", $"zones: [{new string('z', 64)}]"), $"spec.zones[0]: '{new string('z', 64)}' must be 1 to 63 characters" },
        { "discovered zone twice", Registration("adm-discovered", "discovered:\n  zones: [z1, z1]"), "spec.discovered.zones[1]: 'z1' is listed twice" },
        { "empty discovered region", Registration("adm-discovered-region", "discovered:\n  region: ''"), "spec.discovered.region: '' must be 1 to 63 characters" },
        { "bad version", Registration("adm-version", "kubernetesVersion: latest"), "spec.kubernetesVersion: 'latest' is not a version such as v1.20.2" },
        { "policy pattern", Policy("adm-bad-pattern", "clusterNamePattern: '(['"), "spec.clusterNamePattern: '([' is not a valid regular expression" },
        { "policy version", Policy("adm-bad-version", "minKubernetesVersion: one.two"), "spec.minKubernetesVersion: 'one.two' is not a version such as v1.20.0" },
        { "policy label key", Policy("adm-bad-label", "requiredLabels: ['-x']"), "spec.requiredLabels[0]: '-x' is not a valid label key" },
    };

    [Theory]
    [MemberData(nameof(InvalidObjects))]
    public async Task Kubectl_apply_of_an_invalid_object_is_denied_naming_the_field(string what, string yaml, string message)
    {
        var result = await KubectlApplyAsync(yaml);
        Assert.True(result.ExitCode != 0, $"{what}: was admitted");
        Assert.Contains("denied the request: ", result.Output);
        Assert.Contains(message, result.Output);
    }

    [Fact]
    public async Task Kubectl_apply_of_valid_objects_passes()
    {
        var policy = Policy("adm-valid-policy", "clusterNamePattern: 'adm-.*'\nrequiredLabels: [team]\nallowedProviders: [aws]\nminKubernetesVersion: v1.19.0");
        var registration = Registration("adm-valid", "clusterID: adm-valid-id\napiEndpoint: https://10.0.0.1:6443\nprovider: aws\nlabels:\n  team: a\n" +
                                                     "zones: [z1, z2]\ntaints:\n- key: dedicated\n  value: gpu\n  effect: NoSchedule\nsyncMode: Pull\nkubernetesVersion: v1.20.2");
        try
        {
            var applied = await KubectlApplyAsync(policy + "\n---\n" + registration);
            Assert.True(applied.ExitCode == 0, applied.Output);
        }
        finally
        {
            await new EntityClient<OnboardingPolicy>(onboarding.ControlPlane.Admin).DeleteAsync("adm-valid-policy");
            await DeleteRegistrationAsync("adm-valid");
        }
    }

    [Fact]
    public async Task Cluster_id_may_not_change_and_may_not_be_claimed_twice()
    {
        var registrations = onboarding.Registrations;
        try
        {
            await registrations.CreateAsync(NewRegistration("adm-owner", "shared-id"));
            var claim = await Assert.ThrowsAsync<HttpOperationException>(() => registrations.CreateAsync(NewRegistration("adm-claimer", "shared-id")));
            Assert.EndsWith("spec.clusterID: shared-id is already registered as 'adm-owner'; one cluster may hold one registration", Message(claim));

            var takeover = await Assert.ThrowsAsync<HttpOperationException>(() => registrations.MergePatchAsync("adm-owner", new { spec = new { clusterID = "another-id" } }));
            Assert.Contains("spec.clusterID: may not change once set (it is shared-id; this request sets another-id)", Message(takeover));
        }
        finally
        {
            await DeleteRegistrationAsync("adm-owner");
        }
    }

    [Fact]
    public async Task A_registration_that_breaks_a_policy_is_denied_naming_the_rule_and_the_policy()
    {
        var policies = new EntityClient<OnboardingPolicy>(onboarding.ControlPlane.Admin);
        await policies.CreateAsync(new OnboardingPolicy
        {
            Metadata = new V1ObjectMeta { Name = "adm-strict" },
            Spec = new OnboardingPolicySpec
            {
                ClusterNamePattern = "prod-[a-z0-9-]+", RequiredLabels = ["team"], AllowedProviders = ["aws"], AllowedRegions = ["eu-west-1"], MinKubernetesVersion = "v1.21.0",
            },
        });
        try
        {
            var registration = NewRegistration("adm-breaker", "breaker-id");
            registration.Spec.Provider = "gcp";
            registration.Spec.KubernetesVersion = "v1.20.2";
            var denied = await Assert.ThrowsAsync<HttpOperationException>(() => onboarding.Registrations.CreateAsync(registration));
            var message = Message(denied);
            Assert.Contains("metadata.name: 'adm-breaker' does not match the pattern prod-[a-z0-9-]+ (OnboardingPolicy adm-strict)", message);
            Assert.Contains("spec.labels: the required label 'team' is missing (OnboardingPolicy adm-strict)", message);
            Assert.Contains("spec.provider: 'gcp' is not one of aws (OnboardingPolicy adm-strict)", message);
            Assert.Contains("spec.region: '' is not one of eu-west-1 (OnboardingPolicy adm-strict)", message);
            Assert.Contains("spec.kubernetesVersion: v1.20.2 is older than the minimum v1.21.0 (OnboardingPolicy adm-strict)", message);
        }
        finally
        {
            await policies.DeleteAsync("adm-strict");
        }
    }

    [Fact]
    public async Task An_agent_writes_only_its_own_registration_and_never_approves_it()
    {
        using var agent = onboarding.ControlPlane.ClientFor(OnboardingConstants.AgentUserFor("adm-agent"), OnboardingConstants.AgentGroup);
        var asAgent = new EntityClient<ClusterRegistration>(agent);
        try
        {
            var foreign = await Assert.ThrowsAsync<HttpOperationException>(() => asAgent.CreateAsync(NewRegistration("adm-someone-else", "else-id")));
            Assert.Equal(HttpStatusCode.Forbidden, foreign.Response.StatusCode);
            Assert.EndsWith("metadata.name: system:karmada:agent:adm-agent may write only its own ClusterRegistration ('adm-agent'), not 'adm-someone-else'", Message(foreign));

            var selfApproved = NewRegistration("adm-agent", "agent-id");
            selfApproved.Spec.Accepted = true;
            var approve = await Assert.ThrowsAsync<HttpOperationException>(() => asAgent.CreateAsync(selfApproved));
            Assert.EndsWith("spec.accepted: agents may not set it; an approver or an auto-accepting OnboardingPolicy does", Message(approve));

            await asAgent.CreateAsync(NewRegistration("adm-agent", "agent-id"));

            // Once the hub has given the agent its per-cluster role, RBAC lets it patch its registration; admission still refuses approval.
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    return await onboarding.ControlPlane.Admin.RbacAuthorizationV1.ReadClusterRoleBindingAsync(Kagent.Onboarding.AgentPermissions.NameFor("adm-agent")) is not null;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "the agent's per-cluster role");
            var patch = await Assert.ThrowsAsync<HttpOperationException>(() => asAgent.MergePatchAsync("adm-agent", new { spec = new { accepted = true } }));
            Assert.Contains("spec.accepted: agents may not set it", Message(patch));
        }
        finally
        {
            await DeleteRegistrationAsync("adm-agent");
        }
    }

    [Fact]
    public async Task Only_users_allowed_to_approve_may_set_accepted()
    {
        var rbac = onboarding.ControlPlane.Admin.RbacAuthorizationV1;
        await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "adm-registration-editor" },
            Rules = [new V1PolicyRule { ApiGroups = ["kagent.io"], Resources = ["clusterregistrations"], Verbs = ["get", "create", "patch", "update"] }],
        });
        await rbac.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "adm-registration-approver" },
            Rules = [new V1PolicyRule { ApiGroups = ["kagent.io"], Resources = ["clusterregistrations"], Verbs = ["approve"] }],
        });
        await Bind("adm-editors", "adm-registration-editor", "adm-editors");
        await Bind("adm-approvers", "adm-registration-approver", "adm-approvers");
        try
        {
            using var bob = onboarding.ControlPlane.ClientFor("bob", "adm-editors");
            using var carol = onboarding.ControlPlane.ClientFor("carol", "adm-editors", "adm-approvers");
            await new EntityClient<ClusterRegistration>(bob).CreateAsync(NewRegistration("adm-approval", "approval-id"));

            var denied = await Eventually.MatchAsync(async () =>
            {
                try
                {
                    await new EntityClient<ClusterRegistration>(bob).MergePatchAsync("adm-approval", new { spec = new { accepted = true } });
                    return null;
                }
                catch (HttpOperationException e)
                {
                    return e;
                }
            }, e => e is not null, TimeSpan.FromSeconds(10), "bob's approval denied");
            Assert.EndsWith("spec.accepted: bob may not approve cluster registrations (needs verb 'approve' on clusterregistrations.kagent.io)", Message(denied!));

            var approved = await new EntityClient<ClusterRegistration>(carol).MergePatchAsync("adm-approval", new { spec = new { accepted = true } });
            Assert.True(approved.Spec.Accepted);
        }
        finally
        {
            await DeleteRegistrationAsync("adm-approval");
        }

        async Task Bind(string name, string role, string group) =>
            await rbac.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
            {
                Metadata = new V1ObjectMeta { Name = name },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
                Subjects = [new Rbacv1Subject { Kind = "Group", Name = group, ApiGroup = "rbac.authorization.k8s.io" }],
            });
    }

    private static ClusterRegistration NewRegistration(string name, string clusterId) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new ClusterRegistrationSpec { ClusterId = clusterId, ApiEndpoint = $"https://{name}.example:6443", SyncMode = "Pull" },
    };

    private async Task DeleteRegistrationAsync(string name)
    {
        await onboarding.Registrations.DeleteAsync(name);
        await Eventually.TrueAsync(async () => await onboarding.Registrations.GetAsync(name) is null, TimeSpan.FromSeconds(30),
            () => $"registration {name} gone\n{onboarding.HubLogTail()}");
    }

    private async Task<ProcessRunner.Result> KubectlApplyAsync(string yaml) =>
        await ProcessRunner.RunAsync(EnvtestBinaries.Default.Kubectl, ["--kubeconfig", onboarding.ControlPlane.AdminKubeconfigPath, "apply", "-f", "-"],
            TimeSpan.FromSeconds(60), standardInput: yaml);

    private static string Message(HttpOperationException e) => KubernetesJson.Deserialize<V1Status>(e.Response.Content).Message;

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(l => "  " + l));
}
