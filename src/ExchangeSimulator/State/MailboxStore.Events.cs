namespace ExSync.ExchangeSimulator;

/// <summary>
/// The mailbox's notification side: every change raises the events Exchange 2013+ raises for it into the event
/// journal, and wakes the streaming connections of the subscriptions that watch it. Only this mailbox's
/// subscriptions are looked at, so a change never scans the subscriptions of other mailboxes.
/// </summary>
internal sealed partial class MailboxStore
{
    private readonly EventJournal _events;
    private Subscription[] _subscriptions = [];

    public int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Length;
            }
        }
    }

    /// <summary>The watermark number of "now": a subscription starting here sees every later event.</summary>
    public long LastEventNumber
    {
        get
        {
            lock (_gate)
            {
                return _events.LastNumber;
            }
        }
    }

    /// <summary>
    /// Starts watching the mailbox. With <paramref name="resumeAfter"/> (a pull subscription's Watermark) the
    /// subscription replays from there; false when the journal no longer holds the events after it.
    /// </summary>
    public bool Attach(Subscription subscription, long? resumeAfter, int maxSubscriptions, out long startNumber, out bool limitReached)
    {
        lock (_gate)
        {
            startNumber = resumeAfter ?? _events.LastNumber;
            limitReached = _subscriptions.Length >= maxSubscriptions;
            if (limitReached || (resumeAfter is { } after && (after > _events.LastNumber || after < _events.ForgottenThrough)))
            {
                return false;
            }

            _events.StartRecording();
            _subscriptions = [.. _subscriptions, subscription];
            return true;
        }
    }

    public void Detach(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions.Where(existing => !ReferenceEquals(existing, subscription))];
        }
    }

    /// <summary>Reads a subscription's events after a watermark; <paramref name="missed"/> when some were already forgotten.</summary>
    public List<MailboxEvent> ReadEvents(
        long afterNumber, Func<MailboxEvent, bool> filter, int max, out long scannedThrough, out bool more, out bool missed)
    {
        lock (_gate)
        {
            missed = afterNumber < _events.ForgottenThrough;
            return _events.Read(afterNumber, filter, max, out scannedThrough, out more);
        }
    }

    private void RaiseItemEvent(NotificationEventKind kind, SimulatedItem item, FolderStore folder, SimulatedItem? old = null, FolderStore? oldFolder = null) =>
        Raise(new MailboxEvent(_events.NextNumber(), kind, _time.GetUtcNow(), null, item.Id, item.ChangeKey, folder.Key, folder.Id,
            old?.Id, oldFolder?.Key, oldFolder?.Id));

    /// <summary>A folder's counts changed: ModifiedEvent for the folder, with its UnreadCount where the folder type has one.</summary>
    private void RaiseFolderModified(FolderStore folder) =>
        Raise(new MailboxEvent(_events.NextNumber(), NotificationEventKind.Modified, _time.GetUtcNow(), folder.Key, folder.Id,
            EwsIdCodec.ChangeKey(folder.ChangeNumber), folder.Parent?.Key ?? folder.Key, folder.Parent?.Id ?? folder.Id,
            UnreadCount: SimulatedFolderNames.HasUnreadCount(folder.ElementName) ? folder.UnreadCount : null));

    private void RaiseFolderEvent(NotificationEventKind kind, FolderStore folder) =>
        Raise(new MailboxEvent(_events.NextNumber(), kind, _time.GetUtcNow(), folder.Key, folder.Id,
            EwsIdCodec.ChangeKey(folder.ChangeNumber), folder.Parent?.Key ?? folder.Key, folder.Parent?.Id ?? folder.Id));

    private void RaiseFolderMoved(FolderStore folder, FolderStore oldParent) =>
        Raise(new MailboxEvent(_events.NextNumber(), NotificationEventKind.Moved, _time.GetUtcNow(), folder.Key, folder.Id,
            EwsIdCodec.ChangeKey(folder.ChangeNumber), folder.Parent!.Key, folder.Parent.Id, folder.Id, oldParent.Key, oldParent.Id));

    private void Raise(MailboxEvent mailboxEvent)
    {
        _events.Append(mailboxEvent);
        foreach (var subscription in _subscriptions)
        {
            subscription.OnEvent(mailboxEvent);
        }
    }
}
