using System.CommandLine;
using Kagent.Api.V1Beta1;
using Kagent.Configuration;
using Kagent.Join;
using Kagent.Kube;
using Kagent.Operator.Client;

namespace Kagent.Cli;

/// <summary>`kagent token create | list | delete`: bootstrap tokens in the control plane, karmadactl token's flags and Secret format.</summary>
internal static class TokenCommand
{
    public static Command Build()
    {
        var command = new Command("token", "Manage bootstrap tokens members join with (run with a control-plane administrator's kubeconfig).");
        command.Add(Create());
        command.Add(List());
        command.Add(Delete());
        return command;
    }

    private static (Option<string> Kubeconfig, Option<string> Context) KubeconfigFlags() =>
        (Flag.Of("--kubeconfig", "", "Path to karmada-apiserver's kubeconfig (an administrator's); empty means $KUBECONFIG."),
         Flag.Of("--context", "", "Context in --kubeconfig; empty means its current context."));

    private static Command Create()
    {
        var (kubeconfig, context) = KubeconfigFlags();
        var ttl = Flag.Of("--ttl", TimeSpan.FromHours(24), "How long the token works; 0 means forever.");
        var groups = Flag.Of("--groups", OnboardingConstants.BootstrapGroup,
            "Comma-separated extra groups of the token. Kagent's group lets the token join, and only the hub approves its certificate request, by policy; " +
            $"Karmada's {OnboardingConstants.KarmadaBootstrapGroup} also lets Karmada's agentcsrapproving approve it at once.");
        var usages = Flag.Of("--usages", string.Join(',', BootstrapToken.DefaultUsages), "Comma-separated usages: signing (cluster-info is signed with it) and authentication.");
        var description = Flag.Of("--description", "", "A note kept with the token.");
        var print = Flag.Of("--print-join-command", true, "Print the whole kagent join command (address, token, CA pin); false prints the token alone.");
        var command = new Command("create", "Create a bootstrap token (kube-system/bootstrap-token-<id>) and print the kagent join command that uses it; makes kube-public/cluster-info when missing.")
        {
            kubeconfig, context, ttl, groups, usages, description, print,
        };
        command.SetAction((result, ct) => CommandRunner.RunStepsAsync(() =>
        {
            var groupList = FlagValues.ParseList(groups.Name, result.GetValue(groups));
            foreach (var group in groupList)
                if (BootstrapToken.GroupProblem(group) is { } problem) throw new ConfigurationException(groups.Name, problem);
            var usageList = FlagValues.ParseList(usages.Name, result.GetValue(usages));
            foreach (var usage in usageList)
                if (!BootstrapToken.DefaultUsages.Contains(usage)) throw new ConfigurationException(usages.Name, $"'{usage}' is not a usage (signing, authentication)");
            return (Source: new KubeconfigSource(kubeconfig.Name, Flag.Optional(kubeconfig, result), Flag.Optional(context, result)),
                    Ttl: FlagValues.ParseDuration(ttl.Name, result.GetValue(ttl)), Groups: groupList, Usages: usageList,
                    Description: Flag.Optional(description, result), Print: result.GetValue(print));
        }, async (o, token) =>
        {
            await Tokens(o.Source).CreateAsync(o.Ttl, o.Groups, o.Usages, o.Description, o.Print, token);
            return 0;
        }, ct));
        return command;
    }

    private static Command List()
    {
        var (kubeconfig, context) = KubeconfigFlags();
        var command = new Command("list", "List bootstrap tokens (their ids; the secret half is not shown).") { kubeconfig, context };
        command.SetAction((result, ct) => CommandRunner.RunStepsAsync(
            () => new KubeconfigSource(kubeconfig.Name, Flag.Optional(kubeconfig, result), Flag.Optional(context, result)),
            async (source, token) =>
            {
                await Tokens(source).ListAsync(token);
                return 0;
            }, ct));
        return command;
    }

    private static Command Delete()
    {
        var (kubeconfig, context) = KubeconfigFlags();
        var ids = new Argument<string[]>("token") { Description = "Token ids (or whole tokens) to delete.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete bootstrap tokens; members already joined keep their certificates.") { ids, kubeconfig, context };
        command.SetAction((result, ct) => CommandRunner.RunStepsAsync(
            () => (Source: new KubeconfigSource(kubeconfig.Name, Flag.Optional(kubeconfig, result), Flag.Optional(context, result)), Ids: result.GetValue(ids) ?? []),
            (o, token) => Tokens(o.Source).DeleteAsync(o.Ids, token), ct));
        return command;
    }

    private static BootstrapTokens Tokens(KubeconfigSource source)
    {
        var config = KubeconfigLoader.Load(source);
        var caPem = string.Concat((config.SslCaCerts ?? []).Select(c => c.ExportCertificatePem() + "\n"));
        if (caPem.Length == 0) throw new ConfigurationException(source.Flag, "names no certificate-authority for the control plane; joiners verify that CA, so the kubeconfig must carry it");
        return new BootstrapTokens(new KubeClient(config), config.Host, caPem, Console.Out, Console.Error, TimeProvider.System);
    }
}
