using Kagent.Configuration;
using Xunit;

namespace Kagent.UnitTests.Cli;

public sealed class FlagValuesTests
{
    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    public void Go_durations_parse(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(milliseconds, value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10 s")]
    [InlineData("-1s")]
    [InlineData("")]
    public void Bad_durations_do_not_parse(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(":8080", "0.0.0.0", 8080)]
    [InlineData("127.0.0.1:9090", "127.0.0.1", 9090)]
    [InlineData("[::1]:10357", "::1", 10357)]
    [InlineData("localhost:1", "127.0.0.1", 1)]
    public void Bind_addresses_parse(string text, string address, int port)
    {
        Assert.True(BindAddress.TryParse(text, out var value, out _));
        Assert.Equal(address, value!.Address.ToString());
        Assert.Equal(port, value.Port);
    }

    [Fact]
    public void Zero_disables_an_endpoint()
    {
        Assert.True(BindAddress.TryParse("0", out var value, out _));
        Assert.Null(value);
    }

    [Fact]
    public void Taints_parse_as_kubectl_writes_them()
    {
        var taints = FlagValues.ParseTaints("--cluster-taints", "dedicated=gpu:NoSchedule,example.com/maintenance:NoExecute");
        Assert.Equal(2, taints.Count);
        Assert.Equal(("dedicated", "gpu", "NoSchedule"), (taints[0].Key, taints[0].Value, taints[0].Effect));
        Assert.Equal(("example.com/maintenance", null, "NoExecute"), (taints[1].Key, taints[1].Value, taints[1].Effect));
    }

    [Fact]
    public void Labels_parse_and_invalid_keys_name_the_flag()
    {
        Assert.Equal("prod", FlagValues.ParseLabels("--cluster-labels", "env=prod,team=a")["env"]);
        var error = Assert.Throws<ConfigurationException>(() => FlagValues.ParseLabels("--cluster-labels", "-bad=x"));
        Assert.StartsWith("--cluster-labels: ", error.Message);
    }
}
