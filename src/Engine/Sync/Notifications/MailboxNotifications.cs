using System.Collections.Concurrent;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Domain.TestAndEnable;
using ExSync.Engine.Exchange;
using ExSync.Engine.Instances;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Notifications;

/// <summary>
/// On one instance: keeps a streaming subscription on the Inbox (and Sent Items when tracked) of every mailbox whose incoming email is
/// synchronized, in groups of up to 200 per connection, and brings a mailbox's next run forward when Exchange reports new or changed
/// mail. Notifications are only hints: polling goes on underneath at the idle interval, a lost subscription is renewed and followed by a
/// synchronization, and the sync state stays the truth. Each round (every <see cref="SyncOptions.ReconcileInterval"/>) subscribes the
/// mailboxes newly synchronized and drops the ones no longer synchronized.
/// </summary>
public sealed partial class MailboxNotifications(
    IDbContextFactory<ExSyncDbContext> contexts,
    IEwsClient ews,
    ExchangeConnections connections,
    SyncWorkloads workloads,
    SingletonLeases leases,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> options,
    ILogger<MailboxNotifications> logger) : SingletonDuty(leases, logger)
{
    // Subscribe requests in flight at once; each profile's connection limit applies underneath.
    private const int SubscribeParallelism = 16;

    private readonly Dictionary<Guid, MailboxSubscription> subscriptions = new();
    private readonly List<StreamingGroup> groups = [];
    private readonly ConcurrentDictionary<Guid, bool> resubscribe = new();
    private readonly Dictionary<Guid, DateTimeOffset> subscribeFailedUntil = new();

    protected override string Duty => "sync-notifications";

    protected override bool TakesPart => options.CurrentValue.Enabled;

    // The first round soon after start: notifications matter most then.
    private bool started;

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) =>
        Task.Delay(Interlocked.Exchange(ref started, true) ? options.CurrentValue.ReconcileInterval : TimeSpan.FromSeconds(1), time, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var wanted = await WantedAsync(cancellationToken);
        var changedGroups = new HashSet<StreamingGroup>();
        foreach (var (mailboxId, subscription) in subscriptions.ToList())
        {
            if (!wanted.TryGetValue(mailboxId, out var want) || want.Fingerprint != subscription.Fingerprint || resubscribe.TryRemove(mailboxId, out _))
            {
                subscriptions.Remove(mailboxId);
                subscription.Group.Remove(subscription.SubscriptionId);
                changedGroups.Add(subscription.Group);
                _ = UnsubscribeQuietlyAsync(subscription);
            }
        }

        var now = time.GetUtcNow();
        var toSubscribe = wanted.Values
            .Where(w => !subscriptions.ContainsKey(w.MailboxId) && (!subscribeFailedUntil.TryGetValue(w.MailboxId, out var until) || until <= now))
            .OrderBy(w => w.Target.ImpersonatedMailbox, StringComparer.OrdinalIgnoreCase)
            .ToList();

        // Groups are chosen before subscribing: every Subscribe of a group carries the group's anchor.
        var placedThisRound = new Dictionary<StreamingGroup, int>();
        List<(Wanted Want, StreamingGroup Group)> placed;
        lock (subscriptions)
        {
            placed = toSubscribe.Select(w => (Want: w, Group: GroupFor(w, placedThisRound))).ToList();
        }

        var failures = 0;
        var subscribed = new List<Guid>();
        await Parallel.ForEachAsync(placed, new ParallelOptions { MaxDegreeOfParallelism = SubscribeParallelism, CancellationToken = cancellationToken }, async (item, token) =>
        {
            try
            {
                var response = await ews.SubscribeToStreamingNotificationsAsync(
                    item.Want.Target,
                    new StreamingSubscriptionRequest { Folders = item.Want.Folders, Affinity = item.Group.Affinity },
                    token);
                item.Group.Add(response.SubscriptionId, item.Want.MailboxId);
                lock (subscriptions)
                {
                    subscribed.Add(item.Want.MailboxId);
                    subscriptions[item.Want.MailboxId] = new MailboxSubscription(item.Want.MailboxId, response.SubscriptionId, item.Group, item.Want.Fingerprint, item.Want.Target);
                    subscribeFailedUntil.Remove(item.Want.MailboxId);
                    changedGroups.Add(item.Group);
                }
            }
            catch (ExchangeException ex)
            {
                // The mailbox is still polled; subscribing is tried again a few rounds later.
                Interlocked.Increment(ref failures);
                lock (subscriptions)
                {
                    subscribeFailedUntil[item.Want.MailboxId] = time.GetUtcNow() + 4 * options.CurrentValue.ReconcileInterval;
                }

                LogSubscribeFailed(logger, item.Want.MailboxId, ex.Error.Code);
            }
        });

        foreach (var group in changedGroups)
        {
            group.Refresh();
        }

        List<StreamingGroup> empties;
        lock (subscriptions)
        {
            empties = groups.Where(g => g.Count == 0).ToList();
            groups.RemoveAll(empties.Contains);
        }

        foreach (var empty in empties)
        {
            await empty.StopAsync();
        }

        // Mail that arrived between the mailbox's last cycle and its new subscription raised no event: a run now covers it.
        if (subscribed.Count > 0)
        {
            await RequestRunsAsync(subscribed, TimeSpan.Zero);
        }

        if (toSubscribe.Count > 0)
        {
            LogSubscribed(logger, toSubscribe.Count - failures, failures, subscriptions.Count, groups.Count);
        }
    }

    protected override Task StandByAsync(CancellationToken cancellationToken) => StopAllAsync();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await StopAllAsync();
    }

    private async Task StopAllAsync()
    {
        // Subscriptions nobody listens to expire in Exchange on their own; the instance that takes the duty over subscribes anew.
        // A round cut short by shutdown may still be unwinding: stop a snapshot of the groups.
        List<StreamingGroup> stopping;
        lock (subscriptions)
        {
            stopping = [.. groups];
            groups.Clear();
            subscriptions.Clear();
        }

        foreach (var group in stopping)
        {
            await group.StopAsync();
        }
    }

    private StreamingGroup GroupFor(Wanted want, Dictionary<StreamingGroup, int> placedThisRound)
    {
        var key = $"{want.ProfileId}|{want.Target.EwsUrl}";
        var group = groups.FirstOrDefault(g => g.Key == key && g.Count + placedThisRound.GetValueOrDefault(g) < StreamingGroup.Capacity);
        if (group is null)
        {
            group = new StreamingGroup(key, want.Target, ews, OnEvents, OnLost, time);
            groups.Add(group);
        }

        placedThisRound[group] = placedThisRound.GetValueOrDefault(group) + 1;
        return group;
    }

    private void OnEvents(IReadOnlyList<MailboxEvent> events)
    {
        // Exchange sends several events for one message (Created, NewMail, Modified as it is filed); one run after a short delay takes them all.
        var mailboxes = events.Select(e => e.MailboxId).Distinct().ToList();
        _ = RequestRunsAsync(mailboxes, options.CurrentValue.NotificationDelay);
    }

    private void OnLost(IReadOnlyList<Guid> mailboxIds, bool resubscribeThem)
    {
        if (resubscribeThem)
        {
            foreach (var mailboxId in mailboxIds)
            {
                resubscribe[mailboxId] = true;
            }
        }

        _ = RequestRunsAsync(mailboxIds, TimeSpan.Zero);
    }

    private async Task RequestRunsAsync(IReadOnlyList<Guid> mailboxIds, TimeSpan delay)
    {
        try
        {
            await workloads.RequestRunAsync(mailboxIds, SyncDirection.IncomingEmail, delay, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The poll at the idle interval still finds the mail.
            LogRequestFailed(logger, ex, mailboxIds.Count);
        }
    }

    private async Task UnsubscribeQuietlyAsync(MailboxSubscription subscription)
    {
        try
        {
            await ews.UnsubscribeAsync(subscription.Target, new UnsubscribeRequest { SubscriptionId = subscription.SubscriptionId, Affinity = subscription.Group.Affinity }, CancellationToken.None);
        }
        catch (ExchangeException)
        {
            // It expires by itself.
        }
    }

    private async Task<Dictionary<Guid, Wanted>> WantedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var mailboxes = await db.Mailboxes.AsNoTracking()
            .Where(m => db.SyncWorkloads.Any(w => w.MailboxId == m.Id && w.Direction == SyncDirection.IncomingEmail && w.State != SyncWorkloadState.Paused))
            .ToListAsync(cancellationToken);
        var profileIds = mailboxes.Select(m => TestAndEnablePreconditions.EffectiveProfileId(m, organization)).OfType<Guid>().Distinct().ToList();
        var profiles = await db.ServerProfiles.AsNoTracking().Where(p => profileIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        IReadOnlyList<EwsFolderId> folders = IncomingFolders.Of(organization).Select(IncomingFolders.ToEws).ToList();
        var wanted = new Dictionary<Guid, Wanted>();
        foreach (var mailbox in mailboxes)
        {
            if (TestAndEnablePreconditions.EffectiveProfileId(mailbox, organization) is not { } profileId
                || !profiles.TryGetValue(profileId, out var profile)
                || MailboxTargets.For(mailbox, connections.For(profile).Incoming) is not { } target)
            {
                continue;
            }

            var fingerprint = $"{mailbox.NormalizedEmailAddress}|{profile.Id}:{profile.Revision}|{target.EwsUrl}|{folders.Count}";
            wanted[mailbox.Id] = new Wanted(mailbox.Id, profileId, target, folders, fingerprint);
        }

        return wanted;
    }

    private sealed record Wanted(Guid MailboxId, Guid ProfileId, EwsTarget Target, IReadOnlyList<EwsFolderId> Folders, string Fingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Streaming notifications: subscribed {Subscribed} mailboxes ({Failed} failed, retried later); {Total} subscriptions on {Groups} connections")]
    private static partial void LogSubscribed(ILogger logger, int subscribed, int failed, int total, int groups);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing mailbox {MailboxId} to notifications failed ({Code}); it is still polled")]
    private static partial void LogSubscribeFailed(ILogger logger, Guid mailboxId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bringing the synchronization of {Count} mailboxes forward after notifications failed; polling finds their mail")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, int count);
}
