using ExSync.Domain.Sync;
using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>One cycle of one mailbox's incoming email: what it works with, and what it has done so far.</summary>
internal sealed class IncomingRun(SyncCycle cycle, EwsTarget target, int itemBudget, int maxItemAttempts)
{
    public SyncCycle Cycle { get; } = cycle;

    public EwsTarget Target { get; } = target;

    public Guid MailboxId => Cycle.Mailbox.Id;

    /// <summary>The deployment whose stamps are ours: the organization id.</summary>
    public Guid DeploymentId => Cycle.Organization.OrganizationId;

    public int MaxItemAttempts { get; } = maxItemAttempts;

    /// <summary>"Process email received after": the later of the profile's and the mailbox's dates.</summary>
    public DateTimeOffset? ProcessAfter { get; } =
        new[] { cycle.Profile.Advanced.ProcessEmailsReceivedAfter, cycle.Mailbox.ProcessEmailsReceivedAfter }.Max();

    /// <summary>Items this cycle may still handle.</summary>
    public int Budget { get; private set; } = itemBudget;

    public int Processed { get; private set; }

    public int Failed { get; private set; }

    /// <summary>The latest receive time of the mail this cycle looked at.</summary>
    public DateTimeOffset? LatestReceived { get; private set; }

    /// <summary>
    /// What stamping starts from, for the items read this cycle: their ChangeKeys and categories. Only these stay for the whole cycle;
    /// the messages themselves (bodies of megabytes) go with their page.
    /// </summary>
    public Dictionary<string, ItemMarks> Marks { get; } = new(StringComparer.Ordinal);

    public void Remember(string itemId, EwsMessage message) => Marks[itemId] = new ItemMarks(message.ItemId?.ChangeKey, message.Categories);

    public void Count(ItemOutcome outcome)
    {
        Processed++;
        Budget--;
        if (outcome == ItemOutcome.Failed)
        {
            Failed++;
        }
    }

    public void Saw(DateTimeOffset? receivedAt)
    {
        if (receivedAt > LatestReceived || LatestReceived is null)
        {
            LatestReceived = receivedAt;
        }
    }
}

/// <summary>An item's ChangeKey and categories when it was read.</summary>
internal sealed record ItemMarks(string? ChangeKey, IReadOnlyList<string> Categories);
