namespace ExSync.Domain.Mailboxes;

public sealed partial class Mailbox
{
    /// <summary>Approves the mailbox's email address. Returns whether anything changed.</summary>
    public bool ApproveEmail(DateTimeOffset now)
    {
        if (ApprovalStatus == EmailApprovalStatus.Approved)
        {
            return false;
        }

        ApprovalStatus = EmailApprovalStatus.Approved;
        Touch(now);
        return true;
    }

    /// <summary>
    /// Rejects the mailbox's email address: no email is processed for it, so every direction is disabled and any
    /// scheduled retest is dropped. Returns whether anything changed.
    /// </summary>
    public bool RejectEmail(DateTimeOffset now)
    {
        if (ApprovalStatus == EmailApprovalStatus.Rejected)
        {
            return false;
        }

        ApprovalStatus = EmailApprovalStatus.Rejected;
        EnabledForIncomingEmail = false;
        EnabledForOutgoingEmail = false;
        EnabledForAct = false;
        CancelScheduledTest();
        Touch(now);
        return true;
    }

    private void CancelScheduledTest()
    {
        TestScheduled = false;
        NextTestAt = null;
    }
}
