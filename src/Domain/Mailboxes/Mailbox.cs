using ExSync.Domain.Common;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Domain.Mailboxes;

/// <summary>
/// The mailbox of a user or queue: how each direction is delivered, whether its address is approved,
/// and the result of the last Test &amp; Enable. Statuses are maintained by ExSync, never set by clients.
/// </summary>
public sealed partial class Mailbox
{
    private Mailbox()
    {
        // For EF Core materialization.
        Name = null!;
        NormalizedName = null!;
        EmailAddress = null!;
        NormalizedEmailAddress = null!;
        Owner = null!;
    }

    /// <summary>Identifier.</summary>
    public Guid Id { get; private set; }

    /// <summary>Display name.</summary>
    public string Name { get; private set; }

    /// <summary>Upper-case invariant form of <see cref="Name"/>, for searches that ignore case in any alphabet.</summary>
    public string NormalizedName { get; private set; }

    /// <summary>SMTP address.</summary>
    public string EmailAddress { get; private set; }

    /// <summary>Upper-case invariant form of <see cref="EmailAddress"/>, for the case-insensitive uniqueness rule.</summary>
    public string NormalizedEmailAddress { get; private set; }

    /// <summary>The user or queue the mailbox belongs to.</summary>
    public MailboxOwner Owner { get; private set; }

    /// <summary>The assigned server profile; null uses the organization default.</summary>
    public Guid? ServerProfileId { get; private set; }

    /// <summary>How incoming email is delivered.</summary>
    public IncomingEmailDeliveryMethod IncomingDeliveryMethod { get; private set; }

    /// <summary>How outgoing email is delivered.</summary>
    public DeliveryMethod OutgoingDeliveryMethod { get; private set; }

    /// <summary>How appointments, contacts and tasks are synchronized.</summary>
    public DeliveryMethod ActDeliveryMethod { get; private set; }

    /// <summary>Take over the mailbox even if Exchange records another organization as its owner.</summary>
    public bool SyncOnlyFromThisOrganization { get; private set; }

    /// <summary>Only email received after this instant is processed.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; private set; }

    /// <summary>Whether the mailbox is in use.</summary>
    public RecordState State { get; private set; }

    /// <summary>Which incoming email the mailbox tracks.</summary>
    public IncomingEmailFilteringMethod IncomingEmailFilteringMethod { get; private set; }

    /// <summary>Delete each message in Exchange once it is processed (queues only).</summary>
    public bool DeleteEmailsAfterProcessing { get; private set; }

    /// <summary>Whether the email address is approved for processing.</summary>
    public EmailApprovalStatus ApprovalStatus { get; private set; }

    /// <summary>Result of the last incoming email test.</summary>
    public SyncStatus IncomingEmailStatus { get; private set; }

    /// <summary>Result of the last outgoing email test.</summary>
    public SyncStatus OutgoingEmailStatus { get; private set; }

    /// <summary>Result of the last appointments, contacts and tasks test.</summary>
    public SyncStatus ActStatus { get; private set; }

    /// <summary>Incoming email is processed.</summary>
    public bool EnabledForIncomingEmail { get; private set; }

    /// <summary>Outgoing email is processed.</summary>
    public bool EnabledForOutgoingEmail { get; private set; }

    /// <summary>Appointments, contacts and tasks are synchronized.</summary>
    public bool EnabledForAct { get; private set; }

    /// <summary>A retry of Test &amp; Enable is scheduled at <see cref="NextTestAt"/>.</summary>
    public bool TestScheduled { get; private set; }

    /// <summary>How many times the test was retried after transient failures.</summary>
    public int TestRetryCount { get; private set; }

    /// <summary>When the scheduled retry runs.</summary>
    public DateTimeOffset? NextTestAt { get; private set; }

    /// <summary>When the last test finished.</summary>
    public DateTimeOffset? LastTestCompletedAt { get; private set; }

    /// <summary>The EWS URL found for this mailbox by the last test.</summary>
    public string? EwsUrl { get; private set; }

    /// <summary>The last error met, if any.</summary>
    public MailboxError? LastError { get; private set; }

    /// <summary>When the mailbox was created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the mailbox last changed.</summary>
    public DateTimeOffset ModifiedAt { get; private set; }

    /// <summary>Incremented on every change; the basis of the ETag and of optimistic concurrency.</summary>
    public long Revision { get; private set; }

    /// <summary>Whether the mailbox is in use.</summary>
    public bool IsActive => State == RecordState.Active;

    /// <summary>Creates a mailbox, pending approval and untested.</summary>
    /// <param name="id">Identifier.</param>
    /// <param name="settings">Settings, with organization defaults already applied.</param>
    /// <param name="assignedProfile">The profile named by <see cref="MailboxSettings.ServerProfileId"/>, or null if there is none.</param>
    /// <param name="organizationDefaultProfileId">The organization's default profile.</param>
    /// <param name="now">The current time.</param>
    public static Mailbox Create(Guid id, MailboxSettings settings, ServerProfile? assignedProfile, Guid? organizationDefaultProfileId, DateTimeOffset now)
    {
        EnsureProfileRules(settings, currentProfileId: null, assignedProfile, organizationDefaultProfileId);
        EnsureQueueOnlySettings(settings);
        var mailbox = new Mailbox
        {
            Id = id,
            CreatedAt = now,
            ApprovalStatus = EmailApprovalStatus.PendingApproval,
        };
        mailbox.Apply(settings, now);
        return mailbox;
    }

    /// <summary>
    /// Replaces the settings. Changing the profile, a delivery method or the address resets the test results and
    /// disables the mailbox until it is tested again; changing the address also withdraws its approval.
    /// </summary>
    public void Update(MailboxSettings settings, ServerProfile? assignedProfile, Guid? organizationDefaultProfileId, DateTimeOffset now)
    {
        EnsureProfileRules(settings, ServerProfileId, assignedProfile, organizationDefaultProfileId);
        EnsureQueueOnlySettings(settings);

        var addressChanged = NormalizeEmailAddress(settings.EmailAddress) != NormalizedEmailAddress;
        var connectionChanged = addressChanged
            || settings.ServerProfileId != ServerProfileId
            || settings.IncomingDeliveryMethod != IncomingDeliveryMethod
            || settings.OutgoingDeliveryMethod != OutgoingDeliveryMethod
            || settings.ActDeliveryMethod != ActDeliveryMethod;

        Apply(settings, now);
        if (connectionChanged)
        {
            ResetTestResults();
        }

        if (addressChanged)
        {
            // An approval vouches for one address; a new address must be approved again.
            ApprovalStatus = EmailApprovalStatus.PendingApproval;
        }
    }

    /// <summary>The form of an address used for the case-insensitive uniqueness rule (see <see cref="EmailAddresses.Normalize"/>).</summary>
    public static string NormalizeEmailAddress(string emailAddress) => EmailAddresses.Normalize(emailAddress);

    private void Apply(MailboxSettings settings, DateTimeOffset now)
    {
        Name = settings.Name.Trim();
        NormalizedName = Name.ToUpperInvariant();
        EmailAddress = settings.EmailAddress.Trim();
        NormalizedEmailAddress = NormalizeEmailAddress(EmailAddress);
        Owner = settings.Owner;
        ServerProfileId = settings.ServerProfileId;
        IncomingDeliveryMethod = settings.IncomingDeliveryMethod;
        OutgoingDeliveryMethod = settings.OutgoingDeliveryMethod;
        ActDeliveryMethod = settings.ActDeliveryMethod;
        SyncOnlyFromThisOrganization = settings.SyncOnlyFromThisOrganization;
        ProcessEmailsReceivedAfter = settings.ProcessEmailsReceivedAfter;
        State = settings.State;
        IncomingEmailFilteringMethod = settings.IncomingEmailFilteringMethod;
        DeleteEmailsAfterProcessing = settings.DeleteEmailsAfterProcessing;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        ModifiedAt = now;
        Revision++;
    }

    private void ResetTestResults()
    {
        IncomingEmailStatus = SyncStatus.NotRun;
        OutgoingEmailStatus = SyncStatus.NotRun;
        ActStatus = SyncStatus.NotRun;
        EnabledForIncomingEmail = false;
        EnabledForOutgoingEmail = false;
        EnabledForAct = false;
        TestScheduled = false;
        TestRetryCount = 0;
        NextTestAt = null;
        EwsUrl = null;
        LastError = null;
    }

    private static void EnsureQueueOnlySettings(MailboxSettings settings)
    {
        if (settings.DeleteEmailsAfterProcessing && settings.Owner.Type != MailboxOwnerType.Queue)
        {
            throw new DomainException(new DomainError(
                MailboxErrors.DeleteEmailsAfterProcessingQueueOnly,
                "Only a queue's mailbox can delete email in Exchange after processing it: a user's mailbox is the user's own. " +
                "Set deleteEmailsAfterProcessing to false, or make the owner a queue.",
                "deleteEmailsAfterProcessing"));
        }
    }

    private static void EnsureProfileRules(MailboxSettings settings, Guid? currentProfileId, ServerProfile? assignedProfile, Guid? organizationDefaultProfileId)
    {
        if (settings.ServerProfileId is { } profileId)
        {
            if (assignedProfile is null || assignedProfile.Id != profileId)
            {
                throw new DomainException(new DomainError(
                    ServerProfileErrors.UnknownServerProfile,
                    $"There is no server profile with id '{profileId}'.",
                    "serverProfileId"));
            }

            if (profileId != currentProfileId && !assignedProfile.IsActive)
            {
                throw new DomainException(new DomainError(
                    ServerProfileErrors.ServerProfileInactive,
                    $"The server profile '{assignedProfile.Name}' is inactive and cannot be assigned. Activate it first, or choose an active profile.",
                    "serverProfileId"));
            }
        }
        else if (settings.UsesServerSideSynchronization && organizationDefaultProfileId is null)
        {
            throw new DomainException(new DomainError(
                MailboxErrors.ServerProfileRequired,
                "Server-side synchronization needs a server profile, and the organization has no default profile. " +
                "Set serverProfileId, or choose a default profile in the organization email settings.",
                "serverProfileId"));
        }
    }
}
