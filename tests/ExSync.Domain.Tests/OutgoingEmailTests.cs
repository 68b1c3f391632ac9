using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.TestAndEnable;
using static ExSync.Domain.Tests.Builders;

namespace ExSync.Domain.Tests;

/// <summary>Outgoing email: drafts, their attachments, asking to send and taking it back, and every transition of the sending engine.</summary>
public sealed class OutgoingEmailTests
{
    private static readonly DateTimeOffset Later = Now.AddMinutes(5);

    private static readonly OutgoingContent Content = new()
    {
        Subject = "Quote for 200 licences",
        To = [new EmailParty("maria.garcia@fabrikam.com", "Maria Garcia", new CrmRecordReference(DirectoryRecordType.Contact, "contact-42"))],
        Cc = [new EmailParty(" boss@fabrikam.com ")],
        BodyContentType = EmailBodyContentType.Html,
        Body = "<p>Here is the quote.</p>",
    };

    [Fact]
    public void ADraftIsOutgoingFromTheSenderMailboxAsItsOwnersRecordAndListedUnderIt()
    {
        var sender = Mailbox.Create(Guid.NewGuid(), MailboxSettings() with { Owner = new MailboxOwner(MailboxOwnerType.Queue, "queue-sales", "Contoso Sales") }, null, null, Now);

        var draft = EmailActivity.CreateDraft(Guid.NewGuid(), sender, Content, new EmailRegarding("Opportunity", "opp-1"), Now);

        Assert.Equal((EmailDirection.Outgoing, EmailStatus.Draft, sender.Id, 1L), (draft.Direction, draft.Status, draft.MailboxId, draft.Version));
        Assert.Equal(new EmailParty("alice@contoso.com", "Contoso Sales", new CrmRecordReference(DirectoryRecordType.Queue, "queue-sales")), draft.From);
        Assert.Equal("Quote for 200 licences", draft.Subject);
        Assert.Equal(Content.To, draft.To);
        Assert.Equal([new EmailParty("boss@fabrikam.com")], draft.Cc);
        Assert.Empty(draft.Bcc);
        Assert.Equal((EmailBodyContentType.Html, "<p>Here is the quote.</p>"), (draft.Body!.ContentType, draft.Body.Content));
        Assert.Equal(new EmailRegarding("Opportunity", "opp-1"), draft.Regarding);
        Assert.Null(draft.InternetMessageId);
        Assert.Equal(EmailActivity.DraftKeyPrefix + draft.Id.ToString("N"), draft.DeduplicationKey);
        Assert.Empty(draft.ReceivingMailboxIds);
        Assert.Equal([(sender.Id, false)], draft.Mailboxes.Select(m => (m.MailboxId, m.Receiving)));
    }

    [Fact]
    public void ADraftRefusesMoreRecipientsThanExchangeTakesAndASubjectWithoutRoomForTheToken()
    {
        var many = Enumerable.Range(0, EmailActivity.MaxRecipients + 1).Select(i => new EmailParty($"r{i}@fabrikam.com")).ToList();

        Assert.Throws<ArgumentException>(() => Draft(Content with { To = many.Take(300).ToList(), Bcc = many.Skip(300).ToList() }));
        Assert.Throws<ArgumentException>(() => Draft(Content with { Subject = new string('s', EmailActivity.OutgoingSubjectMaxLength + 1) }));
        Assert.Throws<ArgumentException>(() => Draft(Content with { To = [new EmailParty(" ")] }));
        Assert.Equal(EmailActivity.MaxRecipients, Draft(Content with { To = many.Take(EmailActivity.MaxRecipients).ToList(), Cc = [] }).To.Count);
    }

    [Fact]
    public void ADraftIsEditedWithANewVersionAndTheSameContentChangesNothing()
    {
        var draft = Draft();

        Assert.False(draft.UpdateDraft(draft.Content, Later));
        Assert.False(draft.UpdateDraft(Content, Later));
        Assert.Equal(1, draft.Version);

        Assert.True(draft.UpdateDraft(Content with { Subject = "Updated quote", Bcc = [new EmailParty("archive@contoso.com")], BodyContentType = EmailBodyContentType.Text, Body = "Plain" }, Later));
        Assert.Equal(("Updated quote", 2L, Later), (draft.Subject, draft.Version, draft.ModifiedAt));
        Assert.Equal("archive@contoso.com", draft.Bcc.Single().EmailAddress);
        Assert.Equal((EmailBodyContentType.Text, "Plain", "Plain"), (draft.Body!.ContentType, draft.Body.Content, draft.Body.Text));
    }

    [Fact]
    public void OnlyADraftsContentChangesRegardingAlwaysDoes()
    {
        var email = Requested();

        Assert.Equal(EmailErrors.EmailNotDraft, Rejected(() => email.UpdateDraft(email.Content with { Subject = "Changed" }, Later)).Code);
        Assert.False(email.UpdateDraft(email.Content, Later));
        Assert.Equal(EmailErrors.EmailNotDraft, Rejected(() => email.AddAttachment(Guid.NewGuid(), "a.txt", "text/plain", [1], 1024, Later)).Code);
        Assert.True(email.SetRegarding(new EmailRegarding("Case", "case-1"), Later));
    }

    [Fact]
    public void AttachmentsAreAddedUpToTheOrganizationsMaximumAndRemovedWhileADraft()
    {
        var draft = Draft();

        var first = draft.AddAttachment(Guid.NewGuid(), "quote.pdf", "application/pdf", new byte[1024], maxBytes: 1024, Later);
        var second = draft.AddAttachment(Guid.NewGuid(), " ", "", [1, 2], maxBytes: 1024, Later);
        Assert.Equal([("quote.pdf", "application/pdf", 1024L, 0), ("attachment", "application/octet-stream", 2L, 1)], draft.Attachments.Select(a => (a.Name, a.ContentType, a.Size, a.Position)));
        Assert.Equal(3, draft.Version);

        var tooLarge = Rejected(() => draft.AddAttachment(Guid.NewGuid(), "big.bin", "application/octet-stream", new byte[1025], maxBytes: 1024, Later));
        Assert.Equal((EmailErrors.AttachmentTooLarge, "file"), (tooLarge.Code, tooLarge.Target));
        Assert.Contains("keeps no attachments", Rejected(() => draft.AddAttachment(Guid.NewGuid(), "a", "b", [1], maxBytes: 0, Later)).Message, StringComparison.Ordinal);

        Assert.True(draft.RemoveAttachment(first.Id, Later));
        Assert.False(draft.RemoveAttachment(first.Id, Later));
        var third = draft.AddAttachment(Guid.NewGuid(), "c.txt", "text/plain", [3], maxBytes: 1024, Later);
        Assert.Equal([second.Id, third.Id], draft.Attachments.Select(a => a.Id));
        Assert.Equal(2, third.Position);

        draft.RequestSend(Later, "contoso.com", null);
        Assert.Equal(EmailErrors.EmailNotDraft, Rejected(() => draft.RemoveAttachment(second.Id, Later)).Code);
    }

    [Fact]
    public void RequestSendGivesTheMessageIdTheDeduplicationKeyAndTheTokenAndMakesItDueNow()
    {
        var draft = Draft();

        draft.RequestSend(Later, "Contoso.COM", "[CRM:0001234]");

        Assert.Equal((EmailStatus.PendingSend, 0, Later, Later), (draft.Status, draft.SendAttempts, draft.NextSendAttemptAt, draft.SendRequestedAt));
        Assert.Matches("^<[0-9a-f]{32}@contoso.com>$", draft.InternetMessageId!);
        Assert.Equal(MessageIds.Normalize(draft.InternetMessageId), draft.DeduplicationKey);
        Assert.Equal(EmailActivity.DeduplicationKeyFor(draft.InternetMessageId, null), draft.DeduplicationKey);
        Assert.Equal("[CRM:0001234]", draft.TrackingToken);
        Assert.Equal("Quote for 200 licences [CRM:0001234]", draft.Subject);
        Assert.Equal("[CRM:0001234]", new TrackingTokenFormat("CRM:", 7).FindIn(draft.Subject));
        Assert.Equal(2, draft.Version);
    }

    [Fact]
    public void WithoutTokensTheSubjectStaysAndAnEmptySubjectBecomesTheToken()
    {
        var plain = Draft();
        plain.RequestSend(Later, "contoso.com", null);
        Assert.Equal(("Quote for 200 licences", null), (plain.Subject, plain.TrackingToken));

        var empty = Draft(Content with { Subject = string.Empty });
        empty.RequestSend(Later, "contoso.com", "[CRM:0000001]");
        Assert.Equal("[CRM:0000001]", empty.Subject);
    }

    [Fact]
    public void RequestSendNeedsARecipientAndOnlyADraftOrAFailedEmail()
    {
        var none = Draft(Content with { To = [], Cc = [] });
        var error = Rejected(() => none.RequestSend(Later, "contoso.com", null));
        Assert.Equal((EmailErrors.NoRecipients, "to", EmailStatus.Draft), (error.Code, error.Target, none.Status));

        var pending = Requested();
        Assert.Equal(EmailErrors.EmailSendAlreadyRequested, Rejected(() => pending.RequestSend(Later, "contoso.com", null)).Code);
        Assert.True(pending.BeginSending(Later, Later.AddMinutes(1)));
        Assert.Equal(EmailErrors.EmailSendAlreadyRequested, Rejected(() => pending.RequestSend(Later, "contoso.com", null)).Code);
        pending.MarkSent(Later, Later);
        Assert.Equal(EmailErrors.EmailSendAlreadyRequested, Rejected(() => pending.RequestSend(Later, "contoso.com", null)).Code);
        Assert.Throws<ArgumentException>(() => Draft().RequestSend(Later, "contoso.com>", null));
    }

    [Fact]
    public void CancelSendReturnsAPendingEmailToDraftKeepingItsMessageIdAndTokenForTheNextSend()
    {
        var email = Requested();
        var messageId = email.InternetMessageId;

        email.CancelSend(Later);

        Assert.Equal((EmailStatus.Draft, null, 3L), (email.Status, email.NextSendAttemptAt, email.Version));
        Assert.True(email.UpdateDraft(email.Content with { Subject = "Changed" }, Later));
        email.RequestSend(Later.AddMinutes(1), "other.example", "[CRM:9999999]");
        Assert.Equal((messageId, "[CRM:0001234]", "Changed [CRM:0001234]"), (email.InternetMessageId, email.TrackingToken, email.Subject));
    }

    [Fact]
    public void CancelSendIsRefusedOnceSendingBeganAndWhileAnEarlierAttemptMayHaveReachedExchange()
    {
        var sending = Requested();
        sending.BeginSending(Later, Later.AddMinutes(1));
        Assert.Equal(EmailErrors.EmailNotPendingSend, Rejected(() => sending.CancelSend(Later)).Code);
        Assert.Equal(EmailErrors.EmailNotPendingSend, Rejected(() => Draft().CancelSend(Later)).Code);

        sending.MarkSendOutcomeUnknown(Later);
        sending.RetrySendLater("Timeout", "No answer", Later.AddMinutes(1), Later);
        var error = Rejected(() => sending.CancelSend(Later));
        Assert.Equal((EmailErrors.EmailMayHaveBeenSent, DomainErrorKind.Conflict), (error.Code, error.Kind));
        Assert.Equal(EmailStatus.PendingSend, sending.Status);
    }

    [Fact]
    public void BeginSendingClaimsADueEmailWithALeaseAndCountsTheAttempt()
    {
        var email = Requested();
        var lease = Later.AddMinutes(1);

        Assert.False(email.BeginSending(Later.AddSeconds(-1), lease));
        Assert.Equal(2, email.Version);
        Assert.True(email.BeginSending(Later, lease));

        Assert.Equal((EmailStatus.Sending, 1, lease, null, 3L), (email.Status, email.SendAttempts, email.SendLeaseUntil, email.NextSendAttemptAt, email.Version));
        Assert.False(email.BeginSending(Later.AddSeconds(30), lease.AddMinutes(1)));
        Assert.False(email.SendOutcomeUnknown);
        Assert.False(Draft().BeginSending(Later, lease));
    }

    [Fact]
    public void AnEmailLeftSendingByAnInstanceWhoseLeaseRanOutIsTakenOverWithItsOutcomeUnknown()
    {
        var email = Requested();
        email.BeginSending(Later, Later.AddMinutes(1));

        Assert.True(email.BeginSending(Later.AddMinutes(1), Later.AddMinutes(2)));

        Assert.Equal((EmailStatus.Sending, 2, Later.AddMinutes(2), true), (email.Status, email.SendAttempts, email.SendLeaseUntil, email.SendOutcomeUnknown));
    }

    [Fact]
    public void MarkSentEndsTheSendClearingLeaseErrorAndUnknownOutcome()
    {
        var email = Requested();
        email.BeginSending(Later, Later.AddMinutes(1));
        email.RetrySendLater("ServerBusy", "Exchange is busy.", Later.AddSeconds(30), Later);
        email.MarkSendOutcomeUnknown(Later);
        email.BeginSending(Later.AddSeconds(30), Later.AddMinutes(2));
        var sentAt = Later.AddSeconds(31);

        email.MarkSent(sentAt, sentAt.AddSeconds(1));

        Assert.Equal((EmailStatus.Sent, sentAt, sentAt, null), (email.Status, email.SentAt, email.ActivityDate, email.SendLeaseUntil));
        Assert.Equal((null, null, false, 2), (email.LastSendErrorCode, email.LastSendErrorMessage, email.SendOutcomeUnknown, email.SendAttempts));
        Assert.Equal(sentAt.AddSeconds(1), email.ModifiedAt);
    }

    [Fact]
    public void RetrySendLaterReturnsToPendingSendDueLaterWithTheError()
    {
        var email = Requested();
        email.BeginSending(Later, Later.AddMinutes(1));
        var version = email.Version;

        email.RetrySendLater("ServerBusy", "Exchange is busy.", Later.AddSeconds(30), Later.AddSeconds(1));

        Assert.Equal((EmailStatus.PendingSend, Later.AddSeconds(30), null), (email.Status, email.NextSendAttemptAt, email.SendLeaseUntil));
        Assert.Equal(("ServerBusy", "Exchange is busy.", version + 1), (email.LastSendErrorCode, email.LastSendErrorMessage, email.Version));
        Assert.False(email.BeginSending(Later.AddSeconds(29), Later.AddMinutes(2)));
        Assert.True(email.BeginSending(Later.AddSeconds(30), Later.AddMinutes(2)));
        Assert.Equal(2, email.SendAttempts);
    }

    [Fact]
    public void FailSendEndsInFailedWithTheErrorAndTheCrmMayAskAgainWithTheSameMessageId()
    {
        var email = Requested();
        var messageId = email.InternetMessageId;
        email.BeginSending(Later, Later.AddMinutes(1));
        email.MarkSendOutcomeUnknown(Later);

        email.FailSend("RecipientRejected", new string('m', 3000), Later);

        Assert.Equal((EmailStatus.Failed, "RecipientRejected", EmailActivity.SendErrorMessageMaxLength), (email.Status, email.LastSendErrorCode, email.LastSendErrorMessage!.Length));
        Assert.Equal((null, null, false, 1), (email.NextSendAttemptAt, email.SendLeaseUntil, email.SendOutcomeUnknown, email.SendAttempts));

        email.RequestSend(Later.AddMinutes(1), "contoso.com", "[CRM:7777777]");
        Assert.Equal((EmailStatus.PendingSend, 0, null, messageId), (email.Status, email.SendAttempts, email.LastSendErrorCode, email.InternetMessageId));
    }

    [Fact]
    public void EmailWaitingInAMailboxThatCannotSendFailsWithoutAnAttemptWhilePendingSendOrAbandonedWhileSending()
    {
        var email = Requested();
        var version = email.Version;

        email.FailUnsendable(EmailErrors.SenderMailboxInactive, "The mailbox is inactive.", Later);

        Assert.Equal((EmailStatus.Failed, EmailErrors.SenderMailboxInactive, 0, null, false), (email.Status, email.LastSendErrorCode, email.SendAttempts, email.NextSendAttemptAt, email.SendOutcomeUnknown));
        Assert.Equal(version + 1, email.Version);
        Assert.Throws<InvalidOperationException>(() => email.FailUnsendable("X", "x", Later));

        // Sending under a live lease is someone's attempt in progress; once the lease is out, the attempt was abandoned and may have
        // reached Exchange.
        var sending = Requested();
        sending.BeginSending(Later, Later.AddMinutes(1));
        Assert.Throws<InvalidOperationException>(() => sending.FailUnsendable("X", "x", Later));
        sending.FailUnsendable(EmailErrors.SenderMailboxInactive, "The mailbox is inactive.", Later.AddMinutes(1));
        Assert.Equal((EmailStatus.Failed, 1, null, true), (sending.Status, sending.SendAttempts, sending.SendLeaseUntil, sending.SendOutcomeUnknown));
    }

    [Fact]
    public void AFailedEmailThatMayHaveReachedExchangeKeepsSayingSoWhenAskedAgainAndCannotBeCanceled()
    {
        var email = Requested();
        email.BeginSending(Later, Later.AddMinutes(1));

        email.FailSend("ErrorTimeout", "Timed out.", Later, outcomeUnknown: true);
        Assert.Equal((EmailStatus.Failed, true), (email.Status, email.SendOutcomeUnknown));

        email.RequestSend(Later.AddMinutes(5), "contoso.com", null);
        Assert.Equal((EmailStatus.PendingSend, 0, true), (email.Status, email.SendAttempts, email.SendOutcomeUnknown));
        Assert.Equal(EmailErrors.EmailMayHaveBeenSent, Assert.Throws<DomainException>(() => email.CancelSend(Later.AddMinutes(5))).Error.Code);

        // Found in Sent Items: sent, and known.
        email.BeginSending(Later.AddMinutes(5), Later.AddMinutes(6));
        email.MarkSent(Later.AddMinutes(5), Later.AddMinutes(5));
        Assert.Equal((EmailStatus.Sent, false), (email.Status, email.SendOutcomeUnknown));
    }

    [Fact]
    public void TheEnginesTransitionsNeedAnEmailBeingSent()
    {
        var pending = Requested();

        Assert.Throws<InvalidOperationException>(() => pending.MarkSent(Later, Later));
        Assert.Throws<InvalidOperationException>(() => pending.RetrySendLater("X", "x", Later, Later));
        Assert.Throws<InvalidOperationException>(() => pending.FailSend("X", "x", Later));
        Assert.Throws<InvalidOperationException>(() => Draft().MarkSendOutcomeUnknown(Later));
        Assert.True(pending.MarkSendOutcomeUnknown(Later));
        Assert.False(pending.MarkSendOutcomeUnknown(Later));
        Assert.Throws<ArgumentOutOfRangeException>(() => pending.BeginSending(Later, Later));
    }

    [Theory]
    [InlineData("delivery", EmailErrors.SenderNotServerSideSynchronization)]
    [InlineData("inactive", EmailErrors.SenderMailboxInactive)]
    [InlineData("unapproved", EmailErrors.SenderMailboxNotApproved)]
    [InlineData("profile", EmailErrors.SenderServerProfileUnavailable)]
    [InlineData("untested", EmailErrors.SenderMailboxNotEnabledForOutgoing)]
    [InlineData("ready", null)]
    public void TheSendGateNamesTheFirstReasonASenderMailboxCannotSend(string situation, string? code)
    {
        var profile = Profile();
        var organization = OrganizationEmailSettings.CreateDefault(Guid.NewGuid(), Now);
        var settings = SyncedMailboxSettings(profile) with { State = situation == "inactive" ? RecordState.Inactive : RecordState.Active };
        if (situation == "delivery")
        {
            settings = settings with { OutgoingDeliveryMethod = DeliveryMethod.Outlook };
        }

        var mailbox = Mailbox.Create(Guid.NewGuid(), settings, profile, null, Now);
        if (situation != "unapproved")
        {
            mailbox.ApproveEmail(Now);
        }

        if (situation != "untested")
        {
            mailbox.RecordTestResult(new MailboxTestResult([new DirectionTestResult(SyncDirection.OutgoingEmail, DirectionTestOutcome.Passed)], null), RetryPolicy.Default, Now);
        }

        var error = OutgoingSendGate.Check(mailbox, situation == "profile" ? InactiveProfile() : profile, organization);

        Assert.Equal(code, error?.Code);
        Assert.True(error is null || (error.Kind == DomainErrorKind.Conflict && error.Target == "mailboxId"));
    }

    [Fact]
    public void TheSendGateRefusesADeletedMailboxAndSkipsApprovalWhenTheOrganizationDoesNotRequireIt()
    {
        var profile = Profile();
        var organization = OrganizationEmailSettings.CreateDefault(Guid.NewGuid(), Now);
        Assert.Equal(EmailErrors.SenderMailboxNotFound, OutgoingSendGate.Check(null, profile, organization)?.Code);

        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, null, Now);
        mailbox.RecordTestResult(new MailboxTestResult([new DirectionTestResult(SyncDirection.OutgoingEmail, DirectionTestOutcome.Passed)], null), RetryPolicy.Default, Now);
        organization.Update(organization.ToChange() with { ProcessEmailsOnlyForApprovedUsers = false }, null, Now);

        Assert.Null(OutgoingSendGate.Check(mailbox, profile, organization));
    }

    [Fact]
    public void TheOrganizationTracksInternalEmailAsOneActivityUnlessItChoosesTwo()
    {
        var organization = OrganizationEmailSettings.CreateDefault(Guid.NewGuid(), Now);
        Assert.False(organization.TrackInternalEmailAsTwoActivities);

        organization.Update(organization.ToChange() with { TrackInternalEmailAsTwoActivities = true }, null, Later);

        Assert.True(organization.TrackInternalEmailAsTwoActivities);
        Assert.True(organization.ToChange().TrackInternalEmailAsTwoActivities);
    }

    private static EmailActivity Draft(OutgoingContent? content = null) =>
        EmailActivity.CreateDraft(Guid.NewGuid(), Mailbox.Create(Guid.NewGuid(), MailboxSettings(), null, null, Now), content ?? Content, null, Now);

    private static EmailActivity Requested()
    {
        var email = Draft();
        email.RequestSend(Later, "contoso.com", "[CRM:0001234]");
        return email;
    }
}
