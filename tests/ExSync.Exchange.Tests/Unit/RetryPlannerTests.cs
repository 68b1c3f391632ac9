using ExSync.Exchange.Resilience;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace ExSync.Exchange.Tests.Unit;

public sealed class RetryPlannerTests
{
    private static readonly ErrorContext Context = new("GetFolder", new Uri("https://mail.contoso.local/EWS/Exchange.asmx"), null, "alice@contoso.local");

    private readonly FakeTimeProvider _time = new();
    private readonly ExchangeClientOptions _options = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromSeconds(1), MaxRetryAttempts = 3 };

    private ResilienceContext NewContext(TimeSpan budget, bool idempotent)
    {
        var context = ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken);
        context.Properties.Set(EwsResilience.DeadlineTimestamp, _time.GetTimestamp() + (long)(budget.TotalSeconds * _time.TimestampFrequency));
        context.Properties.Set(EwsResilience.Idempotent, idempotent);
        return context;
    }

    private static ExchangeException Busy(TimeSpan? backOff) =>
        new(ExchangeErrors.ServerBusy(Context, "ErrorServerBusy", 500, backOff));

    [Fact]
    public void Server_back_off_is_honoured_when_it_fits_before_the_deadline()
    {
        var planner = new EwsRetryPlanner(_options, _time);
        var context = NewContext(TimeSpan.FromSeconds(10), idempotent: true);

        Assert.True(planner.ShouldRetry(Busy(TimeSpan.FromSeconds(5)), attemptNumber: 0, context));
        Assert.Equal(TimeSpan.FromSeconds(5), context.Properties.GetValue(EwsResilience.PlannedDelay, TimeSpan.Zero));
    }

    [Fact]
    public void A_back_off_longer_than_what_is_left_fails_now_instead_of_sleeping()
    {
        var planner = new EwsRetryPlanner(_options, _time);
        var context = NewContext(TimeSpan.FromSeconds(10), idempotent: true);
        _time.Advance(TimeSpan.FromSeconds(6));

        Assert.False(planner.ShouldRetry(Busy(TimeSpan.FromSeconds(5)), attemptNumber: 0, context));
    }

    [Fact]
    public void Exponential_delay_with_jitter_is_used_when_the_server_gives_no_back_off()
    {
        var planner = new EwsRetryPlanner(_options, _time);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var expected = TimeSpan.FromMilliseconds(100 * (1 << attempt));
            var delay = planner.DelayFor(Busy(null), attempt);
            Assert.InRange(delay, expected * 0.8, expected * 1.2);
        }

        Assert.InRange(planner.DelayFor(Busy(null), 10), TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public void Permanent_errors_and_unsafe_repeats_are_never_retried()
    {
        var planner = new EwsRetryPlanner(_options, _time);
        var permanent = new ExchangeException(ExchangeErrors.FromResponseCode(Context, "ErrorNonExistentMailbox", null, null, 500, null));
        var dropped = new ExchangeException(ExchangeErrors.ConnectionDropped(Context, "reset"));

        Assert.False(planner.ShouldRetry(permanent, 0, NewContext(TimeSpan.FromSeconds(30), idempotent: true)));
        Assert.False(planner.ShouldRetry(dropped, 0, NewContext(TimeSpan.FromSeconds(30), idempotent: false)));
        Assert.True(planner.ShouldRetry(dropped, 0, NewContext(TimeSpan.FromSeconds(30), idempotent: true)));
        Assert.False(planner.ShouldRetry(new InvalidOperationException(), 0, NewContext(TimeSpan.FromSeconds(30), idempotent: true)));
    }

    [Fact]
    public void A_send_is_never_repeated_once_exchange_may_have_processed_it_whatever_the_error_looks_like()
    {
        var planner = new EwsRetryPlanner(_options, _time);

        // A connection error is normally a connect that never happened; after the request was written it proves nothing.
        var connectionFailedAfterWrite = ExchangeErrors.ConnectionFailed(Context, "reset") with { OutcomeUnknown = true };
        var connectionFailedBeforeWrite = ExchangeErrors.ConnectionFailed(Context, "refused");

        Assert.False(planner.ShouldRetry(new ExchangeException(connectionFailedAfterWrite), 0, NewContext(TimeSpan.FromSeconds(30), idempotent: false)));
        Assert.True(planner.ShouldRetry(new ExchangeException(connectionFailedAfterWrite), 0, NewContext(TimeSpan.FromSeconds(30), idempotent: true)));
        Assert.True(planner.ShouldRetry(new ExchangeException(connectionFailedBeforeWrite), 0, NewContext(TimeSpan.FromSeconds(30), idempotent: false)));
    }

    [Fact]
    public void The_attempt_limit_applies()
    {
        var planner = new EwsRetryPlanner(_options, _time);

        Assert.True(planner.ShouldRetry(Busy(null), 2, NewContext(TimeSpan.FromSeconds(30), idempotent: true)));
        Assert.False(planner.ShouldRetry(Busy(null), 3, NewContext(TimeSpan.FromSeconds(30), idempotent: true)));
    }
}
