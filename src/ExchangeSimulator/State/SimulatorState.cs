using System.Collections.Concurrent;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Live access to the simulated organisation while the simulator runs: mailboxes, their folders and items, folder
/// extended properties (including the ExSync ownership marker), subscriptions, injected faults and latency.
/// Thread-safe. Folder, item and notification members are in SimulatorState.ChangeTracking.cs.
/// </summary>
public sealed partial class SimulatorState
{
    private readonly ConcurrentDictionary<string, MailboxStore> _bySmtp = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, MailboxStore> _byPrincipalName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, MailboxStore> _bySid = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Guid, MailboxStore> _byGuid = new();
    private readonly Lock _mailboxWriteGate = new();
    private readonly TimeProvider _time;
    private int _latencyMilliseconds;

    internal SimulatorState(SimulatorScenario scenario, TimeProvider time)
    {
        _time = time;
        _latencyMilliseconds = scenario.Server.LatencyMilliseconds;
        _changeTracking = scenario.Server.ChangeTracking ?? new ScenarioChangeTracking();
        Faults = new FaultInjector(scenario.Faults);
        Submission = new SubmissionPolicy(time);
        Submission.SetRejectedRecipients(scenario.Server.RejectedRecipients ?? []);
        Notifications = new NotificationHub(time, _changeTracking, scenario.Server.Version);
        foreach (var mailbox in scenario.Mailboxes)
        {
            AddMailbox(mailbox);
        }
    }

    /// <summary>Delay added to every authenticated EWS and autodiscover request, in milliseconds; changeable at run time.</summary>
    public int LatencyMilliseconds
    {
        get => Volatile.Read(ref _latencyMilliseconds);
        set => Volatile.Write(ref _latencyMilliseconds, value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)));
    }

    /// <summary>The primary SMTP addresses of all mailboxes.</summary>
    public IReadOnlyList<string> MailboxAddresses => [.. _bySmtp.Values.Select(mailbox => mailbox.SmtpAddress).Order(StringComparer.OrdinalIgnoreCase)];

    internal FaultInjector Faults { get; }

    /// <summary>Conversation indexes of delivered messages by Message-ID, so replies join their thread.</summary>
    internal MailThreads Threads { get; } = new();

    /// <summary>Whether a mailbox with this primary SMTP address exists.</summary>
    public bool HasMailbox(string smtpAddress) => _bySmtp.ContainsKey(smtpAddress);

    /// <summary>Adds a mailbox while the simulator runs.</summary>
    /// <exception cref="InvalidOperationException">A mailbox with that address already exists.</exception>
    /// <exception cref="InvalidDataException">The definition is invalid (for example an unknown folder in ItemCounts).</exception>
    public void AddMailbox(ScenarioMailbox mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        ScenarioValidator.ThrowIfInvalid(mailbox);
        var store = new MailboxStore(mailbox, _time, _changeTracking);
        ScenarioMessages.Seed(store, mailbox, Threads, _time);
        lock (_mailboxWriteGate)
        {
            if (!_bySmtp.TryAdd(store.SmtpAddress, store))
            {
                throw new InvalidOperationException($"The simulator already has a mailbox {store.SmtpAddress}.");
            }

            _byPrincipalName[store.UserPrincipalName] = store;
            _bySid[store.Sid] = store;
            _byGuid[store.MailboxGuid] = store;
        }

        if (mailbox.Sending is { } sending)
        {
            Submission.SetLimits(store.SmtpAddress, sending);
        }
    }

    /// <summary>Removes a mailbox (later requests for it get ErrorNonExistentMailbox, its subscriptions ErrorSubscriptionNotFound); false if there was none.</summary>
    public bool RemoveMailbox(string smtpAddress)
    {
        lock (_mailboxWriteGate)
        {
            if (!_bySmtp.TryRemove(smtpAddress, out var store))
            {
                return false;
            }

            _byPrincipalName.TryRemove(new KeyValuePair<string, MailboxStore>(store.UserPrincipalName, store));
            _bySid.TryRemove(new KeyValuePair<string, MailboxStore>(store.Sid, store));
            _byGuid.TryRemove(store.MailboxGuid, out _);
            ExpireSubscriptions(store.SmtpAddress);
            return true;
        }
    }

    /// <summary>The number of items in a folder.</summary>
    public int CountItems(string smtpAddress, SimulatedFolder folder) => Mailbox(smtpAddress).CountItems(folder);

    /// <summary>The items in a folder, oldest first.</summary>
    public IReadOnlyList<SimulatedItemInfo> GetItems(string smtpAddress, SimulatedFolder folder) => ItemInfos(Mailbox(smtpAddress), folder);

    /// <summary>Creates an item (as if it had arrived) and returns its EWS ItemId.</summary>
    public string AddItem(string smtpAddress, SimulatedFolder folder, string? subject, bool isRead = false) =>
        Mailbox(smtpAddress).CreateItem(folder, new NewItem { Subject = subject, IsRead = isRead }).Id;

    /// <summary>Changes an item's read flag; false when the item does not exist.</summary>
    public bool SetItemRead(string smtpAddress, string itemId, bool isRead) =>
        TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) && mailbox.SetReadFlag(number, isRead);

    /// <summary>Changes an item's subject; false when the item does not exist.</summary>
    public bool SetItemSubject(string smtpAddress, string itemId, string? subject) =>
        TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) && mailbox.SetSubject(number, subject);

    /// <summary>Hard-deletes an item; false when the item does not exist.</summary>
    public bool DeleteItem(string smtpAddress, string itemId) => DeleteItem(smtpAddress, itemId, DeleteDisposal.HardDelete);

    /// <summary>The ExSync ownership marker on msgfolderroot, or null when the mailbox is unclaimed.</summary>
    public string? GetOwnerOrganizationId(string smtpAddress) =>
        Mailbox(smtpAddress).GetFolderProperty(SimulatedFolder.MsgFolderRoot, ExtendedPropertyKey.ExSyncOwnershipMarker)?.FirstOrDefault();

    /// <summary>Sets (or with null removes) the ExSync ownership marker on msgfolderroot.</summary>
    public void SetOwnerOrganizationId(string smtpAddress, string? organizationId)
    {
        if (organizationId is null)
        {
            Mailbox(smtpAddress).DeleteFolderProperty(SimulatedFolder.MsgFolderRoot, ExtendedPropertyKey.ExSyncOwnershipMarker);
        }
        else
        {
            Mailbox(smtpAddress).SetFolderProperty(SimulatedFolder.MsgFolderRoot, ExtendedPropertyKey.ExSyncOwnershipMarker, [organizationId]);
        }
    }

    /// <summary>The values of an extended property on a folder (one value unless the type is an array), or null when unset.</summary>
    public IReadOnlyList<string>? GetFolderExtendedProperty(string smtpAddress, SimulatedFolder folder, ExtendedPropertyKey key) =>
        Mailbox(smtpAddress).GetFolderProperty(folder, key);

    /// <summary>Sets an extended property on a folder.</summary>
    public void SetFolderExtendedProperty(string smtpAddress, SimulatedFolder folder, ExtendedPropertyKey key, params string[] values)
    {
        RequireValues(key, values);
        Mailbox(smtpAddress).SetFolderProperty(folder, key, [.. values]);
    }

    /// <summary>Removes an extended property from a folder.</summary>
    public void DeleteFolderExtendedProperty(string smtpAddress, SimulatedFolder folder, ExtendedPropertyKey key) =>
        Mailbox(smtpAddress).DeleteFolderProperty(folder, key);

    /// <summary>Adds a fault after the ones already configured.</summary>
    public void AddFault(ScenarioFault fault) => Faults.Add(fault);

    /// <summary>Removes every fault, including the scenario's.</summary>
    public void ClearFaults() => Faults.Clear();

    internal MailboxStore? FindBySmtp(string smtpAddress) => _bySmtp.GetValueOrDefault(smtpAddress);

    internal MailboxStore? FindByPrincipalName(string principalName) => _byPrincipalName.GetValueOrDefault(principalName);

    internal MailboxStore? FindBySid(string sid) => _bySid.GetValueOrDefault(sid);

    internal MailboxStore? FindByGuid(Guid mailboxGuid) => _byGuid.GetValueOrDefault(mailboxGuid);

    private MailboxStore Mailbox(string smtpAddress) =>
        FindBySmtp(smtpAddress) ?? throw new ArgumentException($"The simulator has no mailbox {smtpAddress}.", nameof(smtpAddress));

    private bool TryItemNumber(string smtpAddress, string itemId, out MailboxStore mailbox, out long objectNumber)
    {
        mailbox = Mailbox(smtpAddress);
        objectNumber = 0;
        return EwsIdCodec.TryDecode(itemId, out var kind, out var mailboxGuid, out objectNumber) &&
               kind == EwsIdKind.Item && mailboxGuid == mailbox.MailboxGuid;
    }
}
