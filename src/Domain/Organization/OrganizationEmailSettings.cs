using ExSync.Domain.Common;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Domain.Organization;

/// <summary>The organization-wide default delivery method applied to new mailboxes.</summary>
public enum DefaultDeliveryMethod
{
    /// <summary>ExSync, over EWS.</summary>
    ServerSideSynchronization,

    /// <summary>The legacy Email Router.</summary>
    EmailRouter,

    /// <summary>Not processed.</summary>
    None,
}

/// <summary>Which alert levels ExSync records.</summary>
/// <param name="Errors">Record error alerts.</param>
/// <param name="Warnings">Record warning alerts.</param>
/// <param name="Information">Record information alerts.</param>
public sealed record AlertLevels(bool Errors = true, bool Warnings = true, bool Information = true);

/// <summary>Everything an administrator sets in the organization email settings.</summary>
public sealed record OrganizationEmailSettingsChange
{
    /// <summary>The server profile given to new mailboxes.</summary>
    public Guid? DefaultServerProfileId { get; init; }

    /// <summary>Default incoming delivery method for new mailboxes.</summary>
    public DefaultDeliveryMethod IncomingEmail { get; init; }

    /// <summary>Default outgoing delivery method for new mailboxes.</summary>
    public DefaultDeliveryMethod OutgoingEmail { get; init; }

    /// <summary>Default delivery method of appointments, contacts and tasks for new mailboxes.</summary>
    public DefaultDeliveryMethod AppointmentsContactsAndTasks { get; init; }

    /// <summary>Only mailboxes of users whose address is approved are processed.</summary>
    public bool ProcessEmailsOnlyForApprovedUsers { get; init; } = true;

    /// <summary>Only mailboxes of queues whose address is approved are processed.</summary>
    public bool ProcessEmailsOnlyForApprovedQueues { get; init; } = true;

    /// <summary>Which alert levels are recorded.</summary>
    public AlertLevels Alerts { get; init; } = new();

    /// <summary>Track email in Sent Items as well as in the Inbox.</summary>
    public bool TrackSentItems { get; init; }

    /// <summary>Put a tracking token in the subject of email ExSync sends, and correlate replies by it.</summary>
    public bool UseTrackingToken { get; init; } = true;

    /// <summary>The tracking token's prefix.</summary>
    public string TrackingTokenPrefix { get; init; } = OrganizationEmailSettings.DefaultTrackingTokenPrefix;

    /// <summary>How many digits the tracking token's number has.</summary>
    public int TrackingTokenDigits { get; init; } = OrganizationEmailSettings.DefaultTrackingTokenDigits;

    /// <summary>The Exchange category that marks tracked items.</summary>
    public string TrackingCategoryName { get; init; } = OrganizationEmailSettings.DefaultTrackingCategoryName;

    /// <summary>Largest attachment kept, in KiB; 0 keeps none.</summary>
    public int MaxAttachmentSizeKilobytes { get; init; } = OrganizationEmailSettings.DefaultMaxAttachmentSizeKilobytes;

    /// <summary>Email sent from one of the organization's mailboxes to another becomes two activities, the sender's and the recipient's.</summary>
    public bool TrackInternalEmailAsTwoActivities { get; init; }
}

/// <summary>
/// The one set of email settings of this ExSync deployment: defaults for new mailboxes, the approval requirement,
/// and which alerts are recorded.
/// </summary>
public sealed class OrganizationEmailSettings
{
    /// <summary>The key of the single row.</summary>
    public const int SingletonId = 1;

    /// <summary>The default tracking token prefix.</summary>
    public const string DefaultTrackingTokenPrefix = "CRM:";

    /// <summary>Longest tracking token prefix.</summary>
    public const int TrackingTokenPrefixMaxLength = 20;

    /// <summary>The default number of tracking token digits.</summary>
    public const int DefaultTrackingTokenDigits = 7;

    /// <summary>Fewest tracking token digits.</summary>
    public const int MinTrackingTokenDigits = 4;

    /// <summary>Most tracking token digits.</summary>
    public const int MaxTrackingTokenDigits = 12;

    /// <summary>The default tracking category.</summary>
    public const string DefaultTrackingCategoryName = "Tracked to CRM";

    /// <summary>Longest tracking category name (Exchange allows 255 characters, less the undeliverable suffix).</summary>
    public const int TrackingCategoryNameMaxLength = 200;

    /// <summary>What the undeliverable category adds to the tracking category's name.</summary>
    public const string UndeliverableSuffix = " (Undeliverable)";

    /// <summary>The default largest attachment kept, in KiB (Dynamics 365's default, 5 MiB).</summary>
    public const int DefaultMaxAttachmentSizeKilobytes = 5120;

    /// <summary>The most maxAttachmentSizeKilobytes may be (128 MiB).</summary>
    public const int MaxAttachmentSizeKilobytesLimit = 131072;

    private OrganizationEmailSettings()
    {
        // For EF Core materialization.
        Alerts = null!;
        TrackingTokenPrefix = null!;
        TrackingCategoryName = null!;
    }

    /// <summary>Key of the single row.</summary>
    public int Id { get; private set; }

    /// <summary>
    /// Identifies this deployment in Exchange: it is written into the mailboxes ExSync owns,
    /// so that two deployments do not synchronize the same mailbox.
    /// </summary>
    public Guid OrganizationId { get; private set; }

    /// <summary>The server profile given to new mailboxes.</summary>
    public Guid? DefaultServerProfileId { get; private set; }

    /// <summary>Default incoming delivery method.</summary>
    public DefaultDeliveryMethod IncomingEmail { get; private set; }

    /// <summary>Default outgoing delivery method.</summary>
    public DefaultDeliveryMethod OutgoingEmail { get; private set; }

    /// <summary>Default delivery method of appointments, contacts and tasks.</summary>
    public DefaultDeliveryMethod AppointmentsContactsAndTasks { get; private set; }

    /// <summary>Only mailboxes of users whose address is approved are processed.</summary>
    public bool ProcessEmailsOnlyForApprovedUsers { get; private set; }

    /// <summary>Only mailboxes of queues whose address is approved are processed.</summary>
    public bool ProcessEmailsOnlyForApprovedQueues { get; private set; }

    /// <summary>Which alert levels are recorded.</summary>
    public AlertLevels Alerts { get; private set; }

    /// <summary>Track email in Sent Items as well as in the Inbox (Dynamics 365's AutoTrackSentFolderItems).</summary>
    public bool TrackSentItems { get; private set; }

    /// <summary>Put a tracking token in the subject of email ExSync sends, and correlate replies by it.</summary>
    public bool UseTrackingToken { get; private set; }

    /// <summary>The tracking token's prefix (see <see cref="TrackingToken"/>).</summary>
    public string TrackingTokenPrefix { get; private set; }

    /// <summary>How many digits the tracking token's number has.</summary>
    public int TrackingTokenDigits { get; private set; }

    /// <summary>The Exchange category that marks tracked items; a user who puts it on an item tracks it.</summary>
    public string TrackingCategoryName { get; private set; }

    /// <summary>Largest attachment whose content is kept, in KiB (1024 bytes); 0 keeps none. Larger ones are recorded as skipped.</summary>
    public int MaxAttachmentSizeKilobytes { get; private set; }

    /// <summary>
    /// Email sent from one of the organization's mailboxes to another becomes two activities: the sender's outgoing one and the
    /// recipient's incoming one (Dynamics 365's "track email sent between users as two activities"). Off by default: one Message-ID, one
    /// activity, which the recipient's mailbox joins.
    /// </summary>
    public bool TrackInternalEmailAsTwoActivities { get; private set; }

    /// <summary>The format of tracking tokens, e.g. <c>[CRM:0001234]</c>.</summary>
    public TrackingTokenFormat TrackingToken => new(TrackingTokenPrefix, TrackingTokenDigits);

    /// <summary>The category of items that failed to be tracked five times: the tracking category's name and " (Undeliverable)".</summary>
    public string UndeliverableCategoryName => TrackingCategoryName + UndeliverableSuffix;

    /// <summary>The largest attachment kept, in bytes.</summary>
    public long MaxAttachmentSizeBytes => MaxAttachmentSizeKilobytes * 1024L;

    /// <summary>When the settings last changed.</summary>
    public DateTimeOffset ModifiedAt { get; private set; }

    /// <summary>Incremented on every change; the basis of the ETag and of optimistic concurrency.</summary>
    public long Revision { get; private set; }

    /// <summary>The settings of a new deployment: server-side synchronization everywhere, approval required, every alert on.</summary>
    public static OrganizationEmailSettings CreateDefault(Guid organizationId, DateTimeOffset now) => new()
    {
        Id = SingletonId,
        OrganizationId = organizationId,
        IncomingEmail = DefaultDeliveryMethod.ServerSideSynchronization,
        OutgoingEmail = DefaultDeliveryMethod.ServerSideSynchronization,
        AppointmentsContactsAndTasks = DefaultDeliveryMethod.ServerSideSynchronization,
        ProcessEmailsOnlyForApprovedUsers = true,
        ProcessEmailsOnlyForApprovedQueues = true,
        Alerts = new AlertLevels(),
        UseTrackingToken = true,
        TrackingTokenPrefix = DefaultTrackingTokenPrefix,
        TrackingTokenDigits = DefaultTrackingTokenDigits,
        TrackingCategoryName = DefaultTrackingCategoryName,
        MaxAttachmentSizeKilobytes = DefaultMaxAttachmentSizeKilobytes,
        ModifiedAt = now,
        Revision = 1,
    };

    /// <summary>Replaces the settings.</summary>
    /// <param name="change">The new settings.</param>
    /// <param name="defaultProfile">The profile named by <see cref="OrganizationEmailSettingsChange.DefaultServerProfileId"/>, or null if there is none.</param>
    /// <param name="now">The current time.</param>
    public void Update(OrganizationEmailSettingsChange change, ServerProfile? defaultProfile, DateTimeOffset now)
    {
        if (change.DefaultServerProfileId is { } profileId && profileId != DefaultServerProfileId)
        {
            EnsureCanBeDefault(profileId, defaultProfile, "defaultServerProfileId");
        }

        EnsureEmailTracking(change);

        DefaultServerProfileId = change.DefaultServerProfileId;
        IncomingEmail = change.IncomingEmail;
        OutgoingEmail = change.OutgoingEmail;
        AppointmentsContactsAndTasks = change.AppointmentsContactsAndTasks;
        ProcessEmailsOnlyForApprovedUsers = change.ProcessEmailsOnlyForApprovedUsers;
        ProcessEmailsOnlyForApprovedQueues = change.ProcessEmailsOnlyForApprovedQueues;
        Alerts = change.Alerts;
        TrackSentItems = change.TrackSentItems;
        UseTrackingToken = change.UseTrackingToken;
        TrackingTokenPrefix = change.TrackingTokenPrefix;
        TrackingTokenDigits = change.TrackingTokenDigits;
        TrackingCategoryName = change.TrackingCategoryName;
        MaxAttachmentSizeKilobytes = change.MaxAttachmentSizeKilobytes;
        TrackInternalEmailAsTwoActivities = change.TrackInternalEmailAsTwoActivities;
        Touch(now);
    }

    /// <summary>The current settings as a change, to be modified and passed to <see cref="Update"/>.</summary>
    public OrganizationEmailSettingsChange ToChange() => new()
    {
        DefaultServerProfileId = DefaultServerProfileId,
        IncomingEmail = IncomingEmail,
        OutgoingEmail = OutgoingEmail,
        AppointmentsContactsAndTasks = AppointmentsContactsAndTasks,
        ProcessEmailsOnlyForApprovedUsers = ProcessEmailsOnlyForApprovedUsers,
        ProcessEmailsOnlyForApprovedQueues = ProcessEmailsOnlyForApprovedQueues,
        Alerts = Alerts,
        TrackSentItems = TrackSentItems,
        UseTrackingToken = UseTrackingToken,
        TrackingTokenPrefix = TrackingTokenPrefix,
        TrackingTokenDigits = TrackingTokenDigits,
        TrackingCategoryName = TrackingCategoryName,
        MaxAttachmentSizeKilobytes = MaxAttachmentSizeKilobytes,
        TrackInternalEmailAsTwoActivities = TrackInternalEmailAsTwoActivities,
    };

    /// <summary>
    /// Makes a profile the default for new mailboxes (the "set as default" switch of a profile),
    /// or stops it being the default. Returns whether anything changed.
    /// </summary>
    public bool SetDefaultServerProfile(ServerProfile profile, bool isDefault, DateTimeOffset now)
    {
        if (isDefault == (DefaultServerProfileId == profile.Id))
        {
            return false;
        }

        if (isDefault)
        {
            EnsureCanBeDefault(profile.Id, profile, "setAsDefaultForNewMailboxes");
        }

        DefaultServerProfileId = isDefault ? profile.Id : null;
        Touch(now);
        return true;
    }

    /// <summary>Whether mailboxes of this owner type must be approved before they are processed.</summary>
    public bool RequiresApprovalFor(MailboxOwnerType ownerType) => ownerType switch
    {
        MailboxOwnerType.User => ProcessEmailsOnlyForApprovedUsers,
        MailboxOwnerType.Queue => ProcessEmailsOnlyForApprovedQueues,
        _ => true,
    };

    /// <summary>Completes a new mailbox with the organization defaults for whatever the request left unset.</summary>
    public MailboxSettings ApplyDefaults(MailboxDraft draft) => new()
    {
        Name = draft.Name,
        EmailAddress = draft.EmailAddress,
        Owner = draft.Owner,
        ServerProfileId = draft.ServerProfileId ?? DefaultServerProfileId,
        IncomingDeliveryMethod = draft.IncomingDeliveryMethod ?? ToIncoming(IncomingEmail),
        OutgoingDeliveryMethod = draft.OutgoingDeliveryMethod ?? ToDeliveryMethod(OutgoingEmail),
        ActDeliveryMethod = draft.ActDeliveryMethod ?? ToDeliveryMethod(AppointmentsContactsAndTasks),
        SyncOnlyFromThisOrganization = draft.SyncOnlyFromThisOrganization,
        ProcessEmailsReceivedAfter = draft.ProcessEmailsReceivedAfter,
        State = draft.State,
        IncomingEmailFilteringMethod = draft.IncomingEmailFilteringMethod,
        DeleteEmailsAfterProcessing = draft.DeleteEmailsAfterProcessing,
    };

    /// <summary>The incoming delivery method that a default stands for.</summary>
    public static IncomingEmailDeliveryMethod ToIncoming(DefaultDeliveryMethod method) => method switch
    {
        DefaultDeliveryMethod.ServerSideSynchronization => IncomingEmailDeliveryMethod.ServerSideSynchronization,
        DefaultDeliveryMethod.EmailRouter => IncomingEmailDeliveryMethod.EmailRouter,
        _ => IncomingEmailDeliveryMethod.None,
    };

    /// <summary>The outgoing or ACT delivery method that a default stands for.</summary>
    public static DeliveryMethod ToDeliveryMethod(DefaultDeliveryMethod method) => method switch
    {
        DefaultDeliveryMethod.ServerSideSynchronization => DeliveryMethod.ServerSideSynchronization,
        DefaultDeliveryMethod.EmailRouter => DeliveryMethod.EmailRouter,
        _ => DeliveryMethod.None,
    };

    /// <summary>Whether a tracking token prefix can be used: 1 to 20 characters, no control character or bracket, no whitespace at either end.</summary>
    public static bool IsValidTrackingTokenPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= TrackingTokenPrefixMaxLength }
        && prefix.Trim().Length == prefix.Length
        && !prefix.Any(c => char.IsControl(c) || c is '[' or ']');

    /// <summary>
    /// Whether a category name can be used: 1 to 200 characters, no control character, no comma or semicolon (Outlook separates
    /// categories with them), no whitespace at either end.
    /// </summary>
    public static bool IsValidCategoryName(string? name) =>
        name is { Length: > 0 and <= TrackingCategoryNameMaxLength }
        && name.Trim().Length == name.Length
        && !name.Any(c => char.IsControl(c) || c is ',' or ';');

    // The API validates these with field errors first; this keeps any other caller from storing settings the engine cannot use.
    private static void EnsureEmailTracking(OrganizationEmailSettingsChange change)
    {
        if (!IsValidTrackingTokenPrefix(change.TrackingTokenPrefix))
        {
            throw new ArgumentException($"'{change.TrackingTokenPrefix}' is not a valid tracking token prefix.", nameof(change));
        }

        if (change.TrackingTokenDigits is < MinTrackingTokenDigits or > MaxTrackingTokenDigits)
        {
            throw new ArgumentOutOfRangeException(nameof(change), change.TrackingTokenDigits, "Tracking token digits are 4 to 12.");
        }

        if (!IsValidCategoryName(change.TrackingCategoryName))
        {
            throw new ArgumentException($"'{change.TrackingCategoryName}' is not a valid category name.", nameof(change));
        }

        if (change.MaxAttachmentSizeKilobytes is < 0 or > MaxAttachmentSizeKilobytesLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(change), change.MaxAttachmentSizeKilobytes, "maxAttachmentSizeKilobytes is 0 to 131072.");
        }
    }

    private static void EnsureCanBeDefault(Guid profileId, ServerProfile? profile, string target)
    {
        if (profile is null || profile.Id != profileId)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.UnknownServerProfile,
                $"There is no server profile with id '{profileId}'.",
                target));
        }

        if (!profile.IsActive)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.ServerProfileInactive,
                $"The server profile '{profile.Name}' is inactive and cannot be the default for new mailboxes. Activate it first.",
                target));
        }
    }

    private void Touch(DateTimeOffset now)
    {
        ModifiedAt = now;
        Revision++;
    }
}
