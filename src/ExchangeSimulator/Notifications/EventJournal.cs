namespace ExSync.ExchangeSimulator;

/// <summary>
/// A mailbox's recent events, numbered, so subscriptions are just cursors into it: GetEvents reads after a watermark,
/// streaming connections read after what they delivered, and a resubscription with a watermark replays from it.
/// Bounded: beyond <see cref="Capacity"/> the oldest events are forgotten, and a cursor that falls behind them has
/// missed events (ErrorMissedNotificationEvents) or holds an expired watermark (ErrorInvalidWatermark).
/// <para>
/// Events are recorded only once a mailbox has had a subscription: before that nobody can hold a watermark, and a
/// mailbox that is never watched (most of a 10,000-mailbox benchmark) costs no memory. Not thread-safe on its own:
/// the owning <see cref="MailboxStore"/> serialises access.
/// </para>
/// </summary>
internal sealed class EventJournal(int capacity)
{
    private MailboxEvent[] _ring = [];
    private int _start;
    private int _count;

    public int Capacity { get; } = capacity;

    /// <summary>Whether events are being recorded (from the first subscription on).</summary>
    public bool IsRecording { get; private set; }

    /// <summary>The number of the latest event; 0 before any. A watermark at this number has seen everything.</summary>
    public long LastNumber { get; private set; }

    /// <summary>Events numbered at or below this are forgotten (or were never recorded).</summary>
    public long ForgottenThrough => LastNumber - _count;

    public void StartRecording() => IsRecording = true;

    /// <summary>Numbers the next event; it is kept only while recording.</summary>
    public long NextNumber() => ++LastNumber;

    public void Append(MailboxEvent mailboxEvent)
    {
        if (!IsRecording)
        {
            return;
        }

        if (_count == _ring.Length)
        {
            if (_ring.Length < Capacity)
            {
                Grow();
            }
            else
            {
                _start = (_start + 1) % _ring.Length;
                _count--;
            }
        }

        _ring[(_start + _count) % _ring.Length] = mailboxEvent;
        _count++;
    }

    /// <summary>
    /// Events numbered after <paramref name="afterNumber"/> that pass the filter, oldest first, at most
    /// <paramref name="max"/>; <paramref name="scannedThrough"/> is the number a cursor can move to (past skipped
    /// events too), and <paramref name="more"/> tells whether matching events were left for the next read.
    /// </summary>
    public List<MailboxEvent> Read(long afterNumber, Func<MailboxEvent, bool> filter, int max, out long scannedThrough, out bool more)
    {
        var result = new List<MailboxEvent>();
        more = false;
        scannedThrough = Math.Max(afterNumber, ForgottenThrough);
        var first = (int)Math.Max(0, afterNumber - ForgottenThrough);
        for (var index = first; index < _count; index++)
        {
            var candidate = _ring[(_start + index) % _ring.Length];
            if (filter(candidate))
            {
                if (result.Count == max)
                {
                    more = true;
                    return result;
                }

                result.Add(candidate);
            }

            scannedThrough = candidate.Number;
        }

        scannedThrough = Math.Max(scannedThrough, LastNumber);
        return result;
    }

    private void Grow()
    {
        var grown = new MailboxEvent[Math.Min(Capacity, Math.Max(16, _ring.Length * 2))];
        for (var index = 0; index < _count; index++)
        {
            grown[index] = _ring[(_start + index) % _ring.Length];
        }

        _ring = grown;
        _start = 0;
    }
}
