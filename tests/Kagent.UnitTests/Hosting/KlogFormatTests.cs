using System.Text.Json.Nodes;
using Kagent.Agent;
using Kagent.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Xunit;

namespace Kagent.UnitTests.Hosting;

/// <summary>The roles' log lines in klog's JSON and text formats, written by the real LoggerMessage methods.</summary>
public sealed class KlogFormatTests
{
    [Fact]
    public void Json_lines_carry_ts_caller_msg_v_the_values_and_the_error_on_keys_of_its_own()
    {
        var info = Json(l => l.Registered("member1", "5f0c", "8d2e"), "Kagent.Agent.Registration.RegistrationAgent");
        Assert.Equal("RegistrationAgent:2021", info["caller"]!.GetValue<string>());
        Assert.Equal("Cluster member1 is registered (id 5f0c, Karmada Cluster uid 8d2e)", info["msg"]!.GetValue<string>());
        Assert.Equal(0, info["v"]!.GetValue<int>());
        Assert.Equal(("member1", "5f0c", "8d2e"), (info["cluster"]!.GetValue<string>(), info["clusterId"]!.GetValue<string>(), info["clusterUid"]!.GetValue<string>()));
        Assert.InRange(info["ts"]!.GetValue<double>(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);

        var failure = Json(l => l.StatusNotWritten(Thrown(new HttpRequestException("Connection refused (127.0.0.1:6443)")), "member1"), "Kagent.Agent.Status.ClusterStatusReporter");
        Assert.Equal("Cluster status of member1 not written", failure["msg"]!.GetValue<string>());
        Assert.Null(failure["v"]);
        Assert.Equal("Connection refused (127.0.0.1:6443)", failure["err"]!.GetValue<string>());
        Assert.StartsWith("System.Net.Http.HttpRequestException\n", failure["errStack"]!.GetValue<string>());

        var reconcile = Json(l => l.StatusUnchanged("member1"), "Kagent.Agent.Status.ClusterStatusReporter", LogLevel.Debug);
        Assert.Equal(2, reconcile["v"]!.GetValue<int>());
        var request = Json(l => Kagent.Hosting.HostLog.ClientRequest(l, "member", "get", "/readyz", "200", TimeSpan.FromMilliseconds(12.6)), "Kagent.Kube.Requests", LogLevel.Trace);
        Assert.Equal((4, 0.013), (request["v"]!.GetValue<int>(), request["duration"]!.GetValue<double>()));
    }

    [Fact]
    public void Text_lines_are_klog_text_with_severity_caller_quoted_message_and_pairs()
    {
        var line = Text(l => l.HeartbeatFailed(Thrown(new TimeoutException("PUT timed out after 32s"))), "Kagent.Agent.Heartbeat.LeaseHeartbeat");
        Assert.Matches("""^W\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ LeaseHeartbeat:2013\] "Heartbeat renewal failed; retrying with backoff" err="PUT timed out after 32s"\n""", line);

        var info = Text(l => l.RegistrationWaiting("member1", "Pending", "waiting for \"approval\""), "Kagent.Agent.Registration.RegistrationAgent");
        Assert.Matches("""^I\d{4} .* RegistrationAgent:2022\] ".*" cluster="member1" phase="Pending" reason="waiting for \\"approval\\""\n$""", info);
    }

    [Theory]
    [InlineData(0, LogLevel.Information)]
    [InlineData(1, LogLevel.Information)]
    [InlineData(2, LogLevel.Debug)]
    [InlineData(4, LogLevel.Trace)]
    [InlineData(9, LogLevel.Trace)]
    public void Verbosity_lets_through_the_levels_klog_would(int verbosity, LogLevel minimum) =>
        Assert.Equal(minimum, LogVerbosity.MinimumLevel(verbosity));

    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static JsonNode Json(Action<ILogger> log, string category, LogLevel level = LogLevel.Information) =>
        JsonNode.Parse(Format(new KlogJsonFormatter(), log, category, level))!;

    private static string Text(Action<ILogger> log, string category) => Format(new KlogTextFormatter(), log, category, LogLevel.Information);

    private static string Format(ConsoleFormatter formatter, Action<ILogger> log, string category, LogLevel level)
    {
        var logger = new FormattingLogger(formatter, category, level);
        log(logger);
        return logger.Written.ToString();
    }

    /// <summary>A logger that hands each entry to a console formatter, as the console logger does.</summary>
    private sealed class FormattingLogger(ConsoleFormatter formatter, string category, LogLevel minimum) : ILogger
    {
        public StringWriter Written { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format) =>
            formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), null, Written);
    }
}
