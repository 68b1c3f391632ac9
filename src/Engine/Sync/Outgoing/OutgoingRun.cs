using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>One cycle of a mailbox's outgoing email: the mailbox, where its Exchange is, and the deployment whose stamp it writes.</summary>
internal sealed class OutgoingRun(SyncCycle cycle, EwsTarget target)
{
    public SyncCycle Cycle { get; } = cycle;

    public EwsTarget Target { get; } = target;

    public Guid MailboxId => Cycle.Mailbox.Id;

    /// <summary>Exchange sends as the impersonated mailbox, so that is the From address, whatever the draft said.</summary>
    public string SenderAddress => Cycle.Mailbox.EmailAddress;

    public Guid DeploymentId => Cycle.Organization.OrganizationId;
}
