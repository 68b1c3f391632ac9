namespace ExSync.ExchangeSimulator;

/// <summary>How a subscription delivers its events.</summary>
public enum SubscriptionKind
{
    /// <summary>The client asks with GetEvents; the subscription expires after its Timeout without one.</summary>
    Pull,

    /// <summary>Events are pushed over a GetStreamingEvents connection.</summary>
    Streaming,
}

/// <summary>
/// A pull or streaming subscription to one mailbox: which folders and event types it watches, who may use it, and
/// for streaming, which connection holds it and how far that connection has delivered. The events themselves stay
/// in the mailbox's journal; a subscription is a filter and a cursor.
/// </summary>
internal sealed class Subscription
{
    private readonly Lock _gate = new();
    private readonly int _eventMask;
    private StreamingConnection? _connection;
    private int _queued;
    private int _missedEventsInjected;

    public Subscription(
        string id, SubscriptionKind kind, MailboxStore mailbox, string owner, IReadOnlySet<long>? folders,
        IEnumerable<NotificationEventKind> eventKinds, TimeSpan? timeout, DateTimeOffset now)
    {
        Id = id;
        Kind = kind;
        Mailbox = mailbox;
        Owner = owner;
        Folders = folders;
        Timeout = timeout;
        LastUsed = now;
        foreach (var eventKind in eventKinds)
        {
            _eventMask |= 1 << (int)eventKind;
        }
    }

    public string Id { get; }

    public SubscriptionKind Kind { get; }

    public MailboxStore Mailbox { get; }

    /// <summary>The account that created the subscription; only it may read or end it.</summary>
    public string Owner { get; }

    /// <summary>The watched folders' object numbers; null for SubscribeToAllFolders.</summary>
    public IReadOnlySet<long>? Folders { get; }

    /// <summary>A pull subscription's Timeout: it expires when no GetEvents comes for this long.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The watermark number the subscription started at; GetEvents cannot go back before it.</summary>
    public long StartNumber { get; set; }

    /// <summary>The last GetEvents (pull), or when the last connection released it (streaming).</summary>
    public DateTimeOffset LastUsed { get; private set; }

    /// <summary>How far the streaming connection has delivered (an event number).</summary>
    public long DeliveredThrough { get; set; }

    public bool IsRemoved { get; private set; }

    public StreamingConnection? Connection => Volatile.Read(ref _connection);

    public Lock Gate => _gate;

    public bool Matches(MailboxEvent mailboxEvent) =>
        (_eventMask & (1 << (int)mailboxEvent.Kind)) != 0 && (Folders is null || mailboxEvent.Concerns(Folders));

    /// <summary>Called under the mailbox's lock for every event: wakes the holding connection when the event is for it.</summary>
    public void OnEvent(MailboxEvent mailboxEvent)
    {
        if (Connection is { } connection && Matches(mailboxEvent))
        {
            connection.MarkReady(this);
        }
    }

    public bool IsExpired(DateTimeOffset now, TimeSpan streamingLifetime)
    {
        lock (_gate)
        {
            return Kind == SubscriptionKind.Pull
                ? now - LastUsed > Timeout
                : _connection is null && now - LastUsed > streamingLifetime;
        }
    }

    public void Touch(DateTimeOffset now)
    {
        lock (_gate)
        {
            LastUsed = now;
        }
    }

    /// <summary>Hands the subscription to a connection; a connection that held it before stops receiving it.</summary>
    public void AttachTo(StreamingConnection connection)
    {
        lock (_gate)
        {
            Volatile.Write(ref _connection, connection);
        }
    }

    public void ReleaseFrom(StreamingConnection connection, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
            {
                Volatile.Write(ref _connection, null);
                LastUsed = now;
            }
        }
    }

    public void MarkRemoved()
    {
        lock (_gate)
        {
            IsRemoved = true;
        }
    }

    /// <summary>True when the caller should queue the subscription (it was not queued already).</summary>
    public bool TryQueue() => Interlocked.Exchange(ref _queued, 1) == 0;

    /// <summary>Called before reading its events, so an event arriving meanwhile queues it again.</summary>
    public void Dequeued() => Volatile.Write(ref _queued, 0);

    /// <summary>Fault injection: the next read reports ErrorMissedNotificationEvents.</summary>
    public void InjectMissedEvents() => Volatile.Write(ref _missedEventsInjected, 1);

    public bool TakeInjectedMissedEvents() => Interlocked.Exchange(ref _missedEventsInjected, 0) == 1;
}
