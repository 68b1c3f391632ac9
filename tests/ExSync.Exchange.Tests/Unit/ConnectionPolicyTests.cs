using Microsoft.Extensions.Time.Testing;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>The gate every Exchange request passes: a server's limit counts requests in flight, a back-off holds everyone.</summary>
public sealed class ConnectionPolicyTests
{
    private static readonly ConnectionLimit Limit = new("profile-1", 2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_more_requests_than_the_limit_are_in_flight_and_waiters_go_in_order()
    {
        using var policy = new ExchangeConnectionPolicy(TimeProvider.System);
        var first = await policy.AcquireAsync(Limit, Ct);
        var second = await policy.AcquireAsync(Limit, Ct);
        var third = policy.AcquireAsync(Limit, Ct).AsTask();
        var fourth = policy.AcquireAsync(Limit, Ct).AsTask();

        await Task.Delay(50, Ct);
        Assert.False(third.IsCompleted);
        Assert.Equal(new ServerConnectionUsage("profile-1", 2, 2, 2, 2), Assert.Single(policy.Usage()));

        first.Dispose();
        var thirdSlot = await third.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.False(await Task.WhenAny(fourth, Task.Delay(50, Ct)) == fourth, "The fourth went before a slot was free.");
        second.Dispose();
        (await fourth.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        thirdSlot.Dispose();
        Assert.Equal(0, policy.Usage().Single().InFlight);
    }

    [Fact]
    public async Task Other_servers_have_their_own_limits_and_a_call_without_one_is_not_held()
    {
        using var policy = new ExchangeConnectionPolicy(TimeProvider.System);
        using var a1 = await policy.AcquireAsync(Limit, Ct);
        using var a2 = await policy.AcquireAsync(Limit, Ct);

        using var other = await policy.AcquireAsync(new ConnectionLimit("profile-2", 1), Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        using var unlimited = await policy.AcquireAsync(null, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task A_back_off_holds_every_new_request_to_the_server_until_it_has_passed()
    {
        var time = new FakeTimeProvider();
        using var policy = new ExchangeConnectionPolicy(time);
        using var inFlight = await policy.AcquireAsync(Limit, Ct);

        policy.ReportThrottled(Limit, TimeSpan.FromSeconds(3));
        var next = policy.AcquireAsync(Limit, Ct).AsTask();
        var elsewhere = policy.AcquireAsync(new ConnectionLimit("profile-2", 1), Ct).AsTask();

        Assert.Equal(TimeSpan.FromSeconds(3), policy.PausedFor("profile-1"));
        (await elsewhere.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        time.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50, Ct);
        Assert.False(next.IsCompleted, "A request went to a server that asked to be left alone.");

        time.Advance(TimeSpan.FromSeconds(1.01));
        (await next.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
        Assert.Equal(TimeSpan.Zero, policy.PausedFor("profile-1"));
    }

    [Fact]
    public async Task Hanging_requests_take_no_ordinary_slot_and_have_a_small_limit_of_their_own()
    {
        using var policy = new ExchangeConnectionPolicy(TimeProvider.System);
        var limit = new ConnectionLimit("profile-1", 1) { MaxHangingConnections = 2 };

        var stream1 = await policy.AcquireHangingAsync(limit, Ct);
        var stream2 = await policy.AcquireHangingAsync(limit, Ct);
        var third = await Assert.ThrowsAsync<ExchangeException>(() => policy.AcquireHangingAsync(limit, Ct).AsTask());
        using var ordinary = await policy.AcquireAsync(limit, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(ExchangeErrorCodes.HangingConnectionLimitReached, third.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, third.Error.ErrorClass);
        Assert.Equal(2, policy.HangingConnections("profile-1"));
        Assert.Equal(1, policy.Usage().Single().InFlight);

        stream1.Dispose();
        (await policy.AcquireHangingAsync(limit, Ct)).Dispose();
        stream2.Dispose();
        Assert.Equal(0, policy.HangingConnections("profile-1"));
    }

    [Fact]
    public async Task A_hanging_request_waits_out_the_servers_back_off_before_opening()
    {
        var time = new FakeTimeProvider();
        using var policy = new ExchangeConnectionPolicy(time);
        policy.ReportThrottled(Limit, TimeSpan.FromSeconds(2));

        var opening = policy.AcquireHangingAsync(Limit, Ct).AsTask();
        await Task.Delay(50, Ct);
        Assert.False(opening.IsCompleted, "A streaming connection opened during the back-off.");

        time.Advance(TimeSpan.FromSeconds(2.01));
        (await opening.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }

    [Fact]
    public async Task No_hanging_request_opens_when_the_limit_is_zero()
    {
        using var policy = new ExchangeConnectionPolicy(TimeProvider.System);

        var refused = await Assert.ThrowsAsync<ExchangeException>(() => policy.AcquireHangingAsync(Limit with { MaxHangingConnections = 0 }, Ct).AsTask());

        Assert.Equal(ExchangeErrorCodes.HangingConnectionLimitReached, refused.Error.Code);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_queue()
    {
        using var policy = new ExchangeConnectionPolicy(TimeProvider.System);
        var single = new ConnectionLimit("profile-1", 1);
        var held = await policy.AcquireAsync(single, Ct);
        using var giveUp = new CancellationTokenSource();
        var waiting = policy.AcquireAsync(single, giveUp.Token).AsTask();

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, policy.Usage().Single().Waiting);

        held.Dispose();
        (await policy.AcquireAsync(single, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }

    [Fact]
    public async Task Coordinated_a_process_uses_only_its_grant_and_a_smaller_grant_holds_new_requests_until_enough_finish()
    {
        using var policy = new ExchangeConnectionPolicy(TimeProvider.System);
        policy.EnableCoordination();
        var demand = 0;
        policy.DemandChanged += () => Interlocked.Increment(ref demand);

        var first = policy.AcquireAsync(Limit, Ct).AsTask();
        await Task.Delay(50, Ct);
        Assert.False(first.IsCompleted, "A request went without a grant.");
        Assert.True(demand > 0, "The coordinator was not told that a request waits.");

        policy.Grant("profile-1", 2);
        var held1 = await first.WaitAsync(TimeSpan.FromSeconds(5), Ct);
        var held2 = await policy.AcquireAsync(Limit, Ct);

        policy.Grant("profile-1", 1);
        var third = policy.AcquireAsync(Limit, Ct).AsTask();
        held1.Dispose();
        await Task.Delay(50, Ct);
        Assert.False(third.IsCompleted, "With a grant of 1 and one request in flight, another went.");

        held2.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(5), Ct)).Dispose();
    }
}
