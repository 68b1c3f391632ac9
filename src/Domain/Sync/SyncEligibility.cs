using System.Linq.Expressions;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;

namespace ExSync.Domain.Sync;

/// <summary>
/// Which mailboxes are synchronized in a direction: active, approved when the organization requires it, with an active server profile,
/// and the direction enabled by Test &amp; Enable. <see cref="Synchronizes(Mailbox, ServerProfile?, OrganizationEmailSettings, SyncDirection)"/>
/// decides for one mailbox at the start of a cycle; <see cref="Query"/> states the same rule for a database query over all mailboxes.
/// A test keeps the two in agreement.
/// </summary>
public static class SyncEligibility
{
    /// <summary>Whether the mailbox is synchronized in <paramref name="direction"/>, given its effective profile.</summary>
    public static bool Synchronizes(Mailbox mailbox, ServerProfile? profile, OrganizationEmailSettings organization, SyncDirection direction) =>
        mailbox.ServerSideSynchronizationDirections.Contains(direction)
        && mailbox.IsEnabledFor(direction)
        && TestAndEnablePreconditions.Check(mailbox, profile, organization) is null;

    /// <summary>The same rule as a query predicate.</summary>
    /// <param name="direction">The direction.</param>
    /// <param name="organization">The organization settings (approval rules, default profile).</param>
    /// <param name="activeProfileIds">The server profiles that are active.</param>
    public static Expression<Func<Mailbox, bool>> Query(SyncDirection direction, OrganizationEmailSettings organization, IReadOnlyCollection<Guid> activeProfileIds)
    {
        var profiles = activeProfileIds.ToList();
        var defaultProfileId = organization.DefaultServerProfileId;
        var usersNeedApproval = organization.ProcessEmailsOnlyForApprovedUsers;
        var queuesNeedApproval = organization.ProcessEmailsOnlyForApprovedQueues;
        var profileRule = defaultProfileId is { } fallback && profiles.Contains(fallback)
            ? (Expression<Func<Mailbox, bool>>)(m => m.ServerProfileId == null || profiles.Contains(m.ServerProfileId.Value))
            : m => m.ServerProfileId != null && profiles.Contains(m.ServerProfileId.Value);
        Expression<Func<Mailbox, bool>> mailboxRule = m => m.State == RecordState.Active
            && (m.ApprovalStatus == EmailApprovalStatus.Approved
                || (m.Owner.Type == MailboxOwnerType.User && !usersNeedApproval)
                || (m.Owner.Type == MailboxOwnerType.Queue && !queuesNeedApproval));
        Expression<Func<Mailbox, bool>> directionRule = direction switch
        {
            SyncDirection.IncomingEmail => m => m.IncomingDeliveryMethod == IncomingEmailDeliveryMethod.ServerSideSynchronization && m.EnabledForIncomingEmail,
            SyncDirection.OutgoingEmail => m => m.OutgoingDeliveryMethod == DeliveryMethod.ServerSideSynchronization && m.EnabledForOutgoingEmail,
            _ => m => m.ActDeliveryMethod == DeliveryMethod.ServerSideSynchronization && m.EnabledForAct,
        };
        return And(And(profileRule, mailboxRule), directionRule);
    }

    private static Expression<Func<Mailbox, bool>> And(Expression<Func<Mailbox, bool>> left, Expression<Func<Mailbox, bool>> right)
    {
        var mailbox = left.Parameters[0];
        var rightBody = new ReplaceParameter(right.Parameters[0], mailbox).Visit(right.Body);
        return Expression.Lambda<Func<Mailbox, bool>>(Expression.AndAlso(left.Body, rightBody), mailbox);
    }

    private sealed class ReplaceParameter(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
