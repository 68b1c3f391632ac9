using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Domain.Mailboxes;

/// <summary>One field that applying the organization defaults changes.</summary>
/// <param name="Field">The mailbox field, as a camelCase JSON name.</param>
/// <param name="From">The current value.</param>
/// <param name="To">The default value.</param>
public sealed record FieldChange(string Field, string? From, string? To);

public sealed partial class Mailbox
{
    /// <summary>What <see cref="ApplyDefaultSettings"/> would change: the server profile and the three delivery methods.</summary>
    public IReadOnlyList<FieldChange> PlanDefaultSettings(OrganizationEmailSettings organization)
    {
        var changes = new List<FieldChange>(4);
        Compare(changes, "serverProfileId", ServerProfileId?.ToString(), organization.DefaultServerProfileId?.ToString());
        Compare(changes, "incomingDeliveryMethod", IncomingDeliveryMethod.ToString(), OrganizationEmailSettings.ToIncoming(organization.IncomingEmail).ToString());
        Compare(changes, "outgoingDeliveryMethod", OutgoingDeliveryMethod.ToString(), OrganizationEmailSettings.ToDeliveryMethod(organization.OutgoingEmail).ToString());
        Compare(changes, "actDeliveryMethod", ActDeliveryMethod.ToString(), OrganizationEmailSettings.ToDeliveryMethod(organization.AppointmentsContactsAndTasks).ToString());
        return changes;
    }

    /// <summary>
    /// Gives the mailbox the organization's default profile and delivery methods (the "Apply Default Email Settings" command).
    /// Like any such change, it resets the test results when something changed.
    /// </summary>
    /// <returns>The fields that changed.</returns>
    public IReadOnlyList<FieldChange> ApplyDefaultSettings(OrganizationEmailSettings organization, ServerProfile? defaultProfile, DateTimeOffset now)
    {
        var changes = PlanDefaultSettings(organization);
        if (changes.Count == 0)
        {
            return changes;
        }

        var settings = new MailboxSettings
        {
            Name = Name,
            EmailAddress = EmailAddress,
            Owner = Owner,
            ServerProfileId = organization.DefaultServerProfileId,
            IncomingDeliveryMethod = OrganizationEmailSettings.ToIncoming(organization.IncomingEmail),
            OutgoingDeliveryMethod = OrganizationEmailSettings.ToDeliveryMethod(organization.OutgoingEmail),
            ActDeliveryMethod = OrganizationEmailSettings.ToDeliveryMethod(organization.AppointmentsContactsAndTasks),
            SyncOnlyFromThisOrganization = SyncOnlyFromThisOrganization,
            ProcessEmailsReceivedAfter = ProcessEmailsReceivedAfter,
            State = State,
            IncomingEmailFilteringMethod = IncomingEmailFilteringMethod,
            DeleteEmailsAfterProcessing = DeleteEmailsAfterProcessing,
        };
        Update(settings, defaultProfile, organization.DefaultServerProfileId, now);
        return changes;
    }

    private static void Compare(List<FieldChange> changes, string field, string? from, string? to)
    {
        if (!string.Equals(from, to, StringComparison.Ordinal))
        {
            changes.Add(new FieldChange(field, from, to));
        }
    }
}
