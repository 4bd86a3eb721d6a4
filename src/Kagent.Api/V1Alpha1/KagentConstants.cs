namespace Kagent.Api.V1Alpha1;

public static class KagentConstants
{
    public const string Group = "kagent.io";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
}
