using Kagent.Operator.Queue;
using Xunit;

namespace Kagent.UnitTests.Operator;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task State_reports_the_keys_waiting_and_the_longest_wait_until_they_are_handed_out()
    {
        using var queue = new WorkQueue<string>(new WorkQueueOptions { Name = "state-test" });
        queue.Add("a");
        queue.Add("b");
        var waiting = queue.State("work");
        Assert.Equal(("work", 2), (waiting.Name, waiting.Depth));
        Assert.True(waiting.LongestWait > TimeSpan.Zero);
        await queue.GetAsync(CancellationToken.None);
        await queue.GetAsync(CancellationToken.None);
        Assert.Equal((0, TimeSpan.Zero), (queue.State("work").Depth, queue.State("work").LongestWait));
    }

    [Fact]
    public async Task A_key_added_many_times_is_handed_out_once()
    {
        using var queue = new WorkQueue<string>();
        for (var i = 0; i < 100; i++) queue.Add("a");
        queue.Add("b");
        Assert.Equal("a", await queue.GetAsync(CancellationToken.None));
        Assert.Equal("b", await queue.GetAsync(CancellationToken.None));
        Assert.Equal(0, queue.Length);
    }

    [Fact]
    public async Task A_key_is_never_processed_twice_at_once_and_comes_back_after_done()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        var first = await queue.GetAsync(CancellationToken.None);
        queue.Add("a");

        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.GetAsync(wait.Token));

        queue.Done(first!);
        Assert.Equal("a", await queue.GetAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public void Rate_limited_delays_double_per_failure_up_to_the_cap_and_forget_resets()
    {
        using var queue = new WorkQueue<string>(new WorkQueueOptions { BaseRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(5) });
        var delays = Enumerable.Range(0, 5).Select(_ => queue.AddRateLimited("k").TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 5, 5], delays);
        Assert.Equal(5, queue.Requeues("k"));
        queue.Forget("k");
        Assert.Equal(1, queue.AddRateLimited("k").TotalSeconds);
    }

    [Fact]
    public async Task Delayed_adds_keep_the_earliest_due_time()
    {
        using var queue = new WorkQueue<string>();
        queue.AddAfter("k", TimeSpan.FromMinutes(10));
        queue.AddAfter("k", TimeSpan.FromMilliseconds(50));
        Assert.Equal("k", await queue.GetAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Shut_down_releases_waiting_workers()
    {
        var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync(CancellationToken.None);
        queue.ShutDown();
        Assert.Null(await waiting.WaitAsync(Timeout));
        queue.Add("ignored");
        Assert.Equal(0, queue.Length);
        queue.Dispose();
    }
}
