using System.Collections.Concurrent;
using ExSync.Exchange.Telemetry;

namespace ExSync.Exchange;

/// <summary>What one server's connection gate is doing, for the coordinator that divides limits between instances.</summary>
/// <param name="Key">The server (<see cref="ConnectionLimit.Key"/>).</param>
/// <param name="Limit">The server's limit as last seen in a call's settings.</param>
/// <param name="Capacity">Requests this process may have in flight (the limit, or its grant when coordinated).</param>
/// <param name="InFlight">Requests in flight now.</param>
/// <param name="Waiting">Requests waiting for a slot.</param>
public readonly record struct ServerConnectionUsage(string Key, int Limit, int Capacity, int InFlight, int Waiting);

/// <summary>
/// The one gate every Exchange HTTP request passes (EWS, autodiscover, OAuth token), keyed by server (<see cref="ConnectionLimit"/>):
/// a server's <see cref="ConnectionLimit.MaxConcurrentRequests"/> counts real concurrent requests, whoever makes them. When a server
/// answers "busy" with a back-off, every caller to that server waits that long, not just the one that was told. Requests of work already
/// under way (a connectivity test's second and third requests, say; see <see cref="ExchangeCallScope"/>) go before the first request of
/// work not started yet, so that started work finishes rather than every piece of work advancing one request at a time.
/// </summary>
/// <remarks>
/// Hanging requests (streaming notifications) do not take these slots: they pass a second, small gate per server
/// (<see cref="ConnectionLimit.MaxHangingConnections"/>, see <see cref="AcquireHangingAsync"/>), which is per process even when
/// coordinated.
/// <para>
/// Alone, a process may use each server's whole limit. Processes sharing servers turn on <see cref="EnableCoordination"/>: each
/// server's capacity is then only what <see cref="Grant"/> allows (nothing until the first grant), and a coordinator divides every
/// limit between the processes, using <see cref="Usage"/> and <see cref="DemandChanged"/>.
/// </para>
/// </remarks>
public sealed class ExchangeConnectionPolicy : IDisposable
{
    private readonly ConcurrentDictionary<string, ServerGate> gates = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private volatile bool coordinated;

    /// <summary>Creates the policy.</summary>
    /// <param name="time">Times the back-off pauses.</param>
    public ExchangeConnectionPolicy(TimeProvider time) => this.time = time;

    /// <summary>
    /// Raised, outside any lock, when a server has requests waiting beyond its capacity or has just gone idle: the coordinator should
    /// rebalance now rather than at its next round.
    /// </summary>
    public event Action? DemandChanged;

    /// <summary>Whether capacities come from <see cref="Grant"/> rather than from each server's limit.</summary>
    public bool IsCoordinated => coordinated;

    /// <summary>From now on, a server's capacity is what <see cref="Grant"/> set (zero until then). Call once, before any request.</summary>
    public void EnableCoordination() => coordinated = true;

    /// <summary>Sets how many requests this process may have in flight to a server (coordinated mode).</summary>
    public void Grant(string key, int capacity) => gates.GetOrAdd(key, k => new ServerGate(this, k)).SetGrant(capacity);

    /// <summary>Every server this process has talked to, with its current use.</summary>
    public IReadOnlyList<ServerConnectionUsage> Usage() => gates.Values.Select(g => g.Usage()).ToList();

    /// <summary>How much longer callers to a server wait because it asked for a back-off (zero when not paused).</summary>
    public TimeSpan PausedFor(string key) => gates.TryGetValue(key, out var gate) ? gate.PausedFor() : TimeSpan.Zero;

    /// <summary>Waits for a slot to send one request to the server; dispose the slot when the response has been read.</summary>
    internal async ValueTask<ConnectionSlot> AcquireAsync(ConnectionLimit? limit, CancellationToken cancellationToken)
    {
        if (limit is null)
        {
            return default;
        }

        var gate = gates.GetOrAdd(limit.Key, k => new ServerGate(this, k));
        var started = time.GetTimestamp();
        var scope = ExchangeCallScope.CurrentState;
        await gate.AcquireAsync(limit.MaxConcurrentRequests, continuing: scope?.Started == true, cancellationToken).ConfigureAwait(false);
        scope?.Started = true;
        ExchangeTelemetry.RecordSlotWait(limit.Key, time.GetElapsedTime(started));
        return new ConnectionSlot(gate);
    }

    /// <summary>
    /// Takes one of the server's hanging-connection places for a request that stays open for minutes (GetStreamingEvents); dispose it
    /// when the response ends. It takes no ordinary slot: Exchange leaves streaming out of EWSMaxConcurrency, and an ordinary slot held
    /// for 30 minutes would starve the profile's synchronizations. A back-off the server asked for is waited out first, as for every
    /// request. When every place is taken it fails at once with <see cref="ExchangeErrorCodes.HangingConnectionLimitReached"/> rather
    /// than queueing behind connections that last half an hour: the caller polls meanwhile.
    /// </summary>
    internal async ValueTask<HangingSlot> AcquireHangingAsync(ConnectionLimit? limit, CancellationToken cancellationToken)
    {
        if (limit is null)
        {
            return default;
        }

        var gate = gates.GetOrAdd(limit.Key, k => new ServerGate(this, k));
        for (var wait = gate.PausedFor(); wait > TimeSpan.Zero; wait = gate.PausedFor())
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        return gate.TryAcquireHanging(limit.MaxHangingConnections)
            ? new HangingSlot(gate)
            : throw new ExchangeException(ExchangeErrors.HangingConnectionLimitReached(limit));
    }

    /// <summary>How many hanging requests this process holds open to a server.</summary>
    public int HangingConnections(string key) => gates.TryGetValue(key, out var gate) ? gate.Hanging : 0;

    /// <summary>The server asked to be left alone for <paramref name="backOff"/>: hold every new request to it until then.</summary>
    internal void ReportThrottled(ConnectionLimit? limit, TimeSpan backOff)
    {
        if (limit is null || backOff <= TimeSpan.Zero)
        {
            return;
        }

        ExchangeTelemetry.RecordThrottled(limit.Key);
        gates.GetOrAdd(limit.Key, k => new ServerGate(this, k)).Pause(backOff);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var gate in gates.Values)
        {
            gate.Dispose();
        }
    }

    private void OnDemandChanged() => DemandChanged?.Invoke();

    /// <summary>A held slot; disposing it lets the next waiting request go.</summary>
    internal readonly struct ConnectionSlot(ServerGate? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }

    /// <summary>A held hanging-connection place; disposing it frees the place.</summary>
    internal readonly struct HangingSlot(ServerGate? gate) : IDisposable
    {
        public void Dispose() => gate?.ReleaseHanging();
    }

    /// <summary>
    /// One server's gate: a semaphore whose capacity can shrink and grow, and that can be paused, with two first-in first-out queues:
    /// continuing work first, new work next. Shrinking never interrupts a request in flight; it only holds back new ones until enough
    /// have finished.
    /// </summary>
    internal sealed class ServerGate(ExchangeConnectionPolicy owner, string key) : IDisposable
    {
        private readonly Lock sync = new();
        private readonly LinkedList<TaskCompletionSource> continuing = new();
        private readonly LinkedList<TaskCompletionSource> waiters = new();
        private int limit = 1;
        private int grant;
        private int inFlight;
        private long pausedUntil;
        private ITimer? resume;
        private int hanging;

        public int Hanging => Volatile.Read(ref hanging);

        public bool TryAcquireHanging(int max)
        {
            while (true)
            {
                var current = Volatile.Read(ref hanging);
                if (current >= max)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref hanging, current + 1, current) == current)
                {
                    return true;
                }
            }
        }

        public void ReleaseHanging() => Interlocked.Decrement(ref hanging);

        public ServerConnectionUsage Usage()
        {
            lock (sync)
            {
                return new ServerConnectionUsage(key, limit, CapacityLocked(), inFlight, continuing.Count + waiters.Count);
            }
        }

        public TimeSpan PausedFor()
        {
            lock (sync)
            {
                var now = owner.time.GetTimestamp();
                return pausedUntil > now ? owner.time.GetElapsedTime(now, pausedUntil) : TimeSpan.Zero;
            }
        }

        public async ValueTask AcquireAsync(int currentLimit, bool continuing, CancellationToken cancellationToken)
        {
            TaskCompletionSource waiter;
            bool wantMore;
            lock (sync)
            {
                limit = currentLimit;
                var queue = continuing ? this.continuing : waiters;
                if (this.continuing.Count == 0 && (continuing || waiters.Count == 0) && !IsPausedLocked() && inFlight < CapacityLocked())
                {
                    inFlight++;
                    return;
                }

                waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                queue.AddLast(waiter);
                wantMore = owner.coordinated && inFlight + this.continuing.Count + waiters.Count > CapacityLocked();
            }

            if (wantMore)
            {
                owner.OnDemandChanged();
            }

            await using var registration = cancellationToken.Register(() => Abandon(waiter)).ConfigureAwait(false);
            await waiter.Task.ConfigureAwait(false);
        }

        public void Release()
        {
            bool idle;
            lock (sync)
            {
                inFlight--;
                DispatchLocked();
                idle = owner.coordinated && inFlight == 0 && continuing.Count == 0 && waiters.Count == 0;
            }

            if (idle)
            {
                owner.OnDemandChanged();
            }
        }

        public void SetGrant(int capacity)
        {
            lock (sync)
            {
                grant = Math.Max(0, capacity);
                DispatchLocked();
            }
        }

        public void Pause(TimeSpan backOff)
        {
            lock (sync)
            {
                var until = owner.time.GetTimestamp() + (long)(backOff.TotalSeconds * owner.time.TimestampFrequency);
                if (until > pausedUntil)
                {
                    pausedUntil = until;
                    ArmResumeLocked();
                }
            }
        }

        public void Dispose()
        {
            lock (sync)
            {
                resume?.Dispose();
            }
        }

        private void Resume()
        {
            lock (sync)
            {
                DispatchLocked();
            }
        }

        private void Abandon(TaskCompletionSource waiter)
        {
            lock (sync)
            {
                // Not handed a slot yet: leave the queue. Otherwise the slot is the caller's, who releases it as usual.
                if (!continuing.Remove(waiter) && !waiters.Remove(waiter))
                {
                    return;
                }
            }

            waiter.TrySetCanceled();
        }

        private void ArmResumeLocked()
        {
            var now = owner.time.GetTimestamp();
            var remaining = pausedUntil > now ? owner.time.GetElapsedTime(now, pausedUntil) : TimeSpan.Zero;
            resume?.Dispose();
            resume = owner.time.CreateTimer(_ => Resume(), null, remaining + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        }

        private int CapacityLocked() => owner.coordinated ? Math.Min(grant, limit) : limit;

        private bool IsPausedLocked() => pausedUntil > owner.time.GetTimestamp();

        private void DispatchLocked()
        {
            if (IsPausedLocked())
            {
                // A timer may fire a little before the instant it was set for: wait out the rest, or the waiters would wait for ever.
                ArmResumeLocked();
                return;
            }

            while ((continuing.First ?? waiters.First) is { } first && inFlight < CapacityLocked())
            {
                first.List!.RemoveFirst();
                inFlight++;
                first.Value.TrySetResult();
            }
        }
    }
}
