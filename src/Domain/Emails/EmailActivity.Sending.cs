using ExSync.Domain.Common;

namespace ExSync.Domain.Emails;

/// <summary>
/// Sending an outgoing email: the CRM asks (<see cref="EmailActivity.RequestSend"/>) or takes it back (<see cref="EmailActivity.CancelSend"/>);
/// the sending engine claims it (<see cref="EmailActivity.BeginSending"/>) and records the outcome. States go Draft → PendingSend →
/// Sending → Sent, or back to PendingSend to retry, or to Failed. Every transition increments <see cref="EmailActivity.Version"/>, so the
/// caller records an <c>Updated</c> change with it.
/// </summary>
public sealed partial class EmailActivity
{
    /// <summary>Longest stored send error message; longer ones are cut.</summary>
    public const int SendErrorMessageMaxLength = 2000;

    /// <summary>Longest send error code.</summary>
    public const int SendErrorCodeMaxLength = 100;

    /// <summary>How many times the engine began sending the email since it was last asked to (<see cref="RequestSend"/> resets it).</summary>
    public int SendAttempts { get; private set; }

    /// <summary>When the engine may next try to send it; set while PendingSend, null otherwise.</summary>
    public DateTimeOffset? NextSendAttemptAt { get; private set; }

    /// <summary>Until when the engine instance that began sending it holds it (while Sending); after that another may take it over.</summary>
    public DateTimeOffset? SendLeaseUntil { get; private set; }

    /// <summary>When the CRM last asked to send it.</summary>
    public DateTimeOffset? SendRequestedAt { get; private set; }

    /// <summary>The code of the last failed attempt (a retry's or the final failure's); cleared when it is sent or asked to be sent again.</summary>
    public string? LastSendErrorCode { get; private set; }

    /// <summary>The message of the last failed attempt.</summary>
    public string? LastSendErrorMessage { get; private set; }

    /// <summary>
    /// An earlier attempt may have reached Exchange (it timed out, or its instance died while Sending): before sending again, look in the
    /// sender's Sent Items for the message, so that it is never sent twice.
    /// </summary>
    public bool SendOutcomeUnknown { get; private set; }

    /// <summary>
    /// Asks for the email to be sent: a Draft, or a Failed email to try again, becomes PendingSend, due now. It gets its Internet
    /// Message-ID, <c>&lt;guid@messageIdDomain&gt;</c>, and with it its <see cref="DeduplicationKey"/>, so that a recipient mailbox whose
    /// incoming synchronization later finds the message joins this activity rather than creating another; and, when
    /// <paramref name="trackingToken"/> is given, the token at the end of its subject. An email asked to send before (canceled, or failed)
    /// keeps the Message-ID and token it had. Attempts and the last error are reset; an email that failed while an attempt may have reached
    /// Exchange stays <see cref="SendOutcomeUnknown"/>, so the engine looks in Sent Items before it sends it again.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="messageIdDomain">The domain of the Message-ID: the sender's address domain.</param>
    /// <param name="trackingToken">A tracking token unused by other email (e.g. <c>[CRM:0001234]</c>), when the organization's tokens are on; null otherwise.</param>
    /// <exception cref="DomainException">
    /// <see cref="EmailErrors.EmailSendAlreadyRequested"/> (PendingSend, Sending or Sent), <see cref="EmailErrors.EmailNotDraft"/> (incoming),
    /// <see cref="EmailErrors.NoRecipients"/>.
    /// </exception>
    public void RequestSend(DateTimeOffset now, string messageIdDomain, string? trackingToken)
    {
        if (Status is EmailStatus.PendingSend or EmailStatus.Sending or EmailStatus.Sent)
        {
            throw new DomainException(new DomainError(
                EmailErrors.EmailSendAlreadyRequested,
                $"The email is {Status}: it was already asked to be sent.",
                Kind: DomainErrorKind.Conflict));
        }

        if (Status != EmailStatus.Failed)
        {
            EnsureDraft();
        }

        if (To.Count + Cc.Count + Bcc.Count == 0)
        {
            throw new DomainException(new DomainError(EmailErrors.NoRecipients, "The email has no recipient: add at least one to, cc or bcc.", "to"));
        }

        if (string.IsNullOrWhiteSpace(messageIdDomain) || messageIdDomain.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '@'))
        {
            throw new ArgumentException("A Message-ID domain is a host name.", nameof(messageIdDomain));
        }

        if (InternetMessageId is null)
        {
            InternetMessageId = $"<{Guid.NewGuid():N}@{messageIdDomain.Trim().ToLowerInvariant()}>";
            DeduplicationKey = MessageIds.Normalize(InternetMessageId)!;
        }

        if (TrackingToken is null && trackingToken is not null)
        {
            Require(trackingToken, TrackingTokenMaxLength, nameof(trackingToken));
            TrackingToken = trackingToken;
        }

        if (TrackingToken is { } token && !Subject.EndsWith(token, StringComparison.Ordinal))
        {
            Subject = Subject.Length == 0 ? token : StoredText.CleanAndTruncate(Subject, SubjectMaxLength - token.Length - 1) + " " + token;
        }

        Status = EmailStatus.PendingSend;
        SendAttempts = 0;
        NextSendAttemptAt = now;
        SendLeaseUntil = null;
        SendRequestedAt = now;
        ClearSendError();
        Touch(now);
    }

    /// <summary>Takes back a send not begun yet: PendingSend becomes Draft again. The Message-ID and the token stay for the next send.</summary>
    /// <exception cref="DomainException">
    /// <see cref="EmailErrors.EmailNotPendingSend"/> (Sending already, Sent, …), or <see cref="EmailErrors.EmailMayHaveBeenSent"/> when an earlier
    /// attempt may have reached Exchange.
    /// </exception>
    public void CancelSend(DateTimeOffset now)
    {
        if (Status != EmailStatus.PendingSend)
        {
            throw new DomainException(new DomainError(
                EmailErrors.EmailNotPendingSend,
                $"The email is {Status}, not PendingSend, so its send cannot be canceled" + (Status == EmailStatus.Sending ? ": ExSync is handing it to Exchange." : "."),
                Kind: DomainErrorKind.Conflict));
        }

        if (SendOutcomeUnknown)
        {
            throw new DomainException(new DomainError(
                EmailErrors.EmailMayHaveBeenSent,
                "An earlier attempt to send the email may have reached Exchange, so it cannot be canceled until ExSync has found out. Read it again shortly.",
                Kind: DomainErrorKind.Conflict));
        }

        Status = EmailStatus.Draft;
        NextSendAttemptAt = null;
        Touch(now);
    }

    /// <summary>
    /// The engine claims the email to hand it to Exchange: PendingSend and due (<see cref="NextSendAttemptAt"/> at or before
    /// <paramref name="now"/>) becomes Sending, with one more attempt and a lease until <paramref name="leaseUntil"/>. An email left
    /// Sending by an instance whose lease ran out is taken over the same way, and marked <see cref="SendOutcomeUnknown"/>: that attempt may
    /// have reached Exchange. Returns false, changing nothing, otherwise (canceled, not due, leased by another, finished).
    /// </summary>
    /// <param name="now">Now.</param>
    /// <param name="leaseUntil">How long the claim holds.</param>
    /// <param name="senderGone">
    /// The caller knows that whoever was sending it has stopped (it holds the mailbox's workload alone now): an email Sending is abandoned
    /// whatever its lease says.
    /// </param>
    public bool BeginSending(DateTimeOffset now, DateTimeOffset leaseUntil, bool senderGone = false)
    {
        var due = Status == EmailStatus.PendingSend && NextSendAttemptAt <= now;
        var abandoned = Status == EmailStatus.Sending && (SendLeaseUntil <= now || senderGone);
        if (!due && !abandoned)
        {
            return false;
        }

        if (leaseUntil <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseUntil), leaseUntil, "A lease ends after now.");
        }

        SendOutcomeUnknown |= abandoned;
        Status = EmailStatus.Sending;
        SendAttempts++;
        SendLeaseUntil = leaseUntil;
        NextSendAttemptAt = null;
        Touch(now);
        return true;
    }

    /// <summary>Exchange accepted the message (or it was found in Sent Items): Sending becomes Sent, at <paramref name="sentAt"/>.</summary>
    public void MarkSent(DateTimeOffset sentAt, DateTimeOffset now)
    {
        EnsureSending(nameof(MarkSent));
        Status = EmailStatus.Sent;
        SentAt = sentAt;
        ActivityDate = sentAt;
        SendLeaseUntil = null;
        SendOutcomeUnknown = false;
        ClearSendError();
        Touch(now);
    }

    /// <summary>A transient failure: Sending becomes PendingSend again, due at <paramref name="nextAttemptAt"/>, with the error kept.</summary>
    public void RetrySendLater(string code, string message, DateTimeOffset nextAttemptAt, DateTimeOffset now)
    {
        EnsureSending(nameof(RetrySendLater));
        Status = EmailStatus.PendingSend;
        NextSendAttemptAt = nextAttemptAt;
        SendLeaseUntil = null;
        SetSendError(code, message);
        Touch(now);
    }

    /// <summary>
    /// Claimed but never handed to Exchange (the cycle stopped before it: throttling, a mailbox error): Sending becomes PendingSend again,
    /// due at once, and the claim does not count as an attempt.
    /// </summary>
    public void ReturnToQueue(DateTimeOffset now)
    {
        EnsureSending(nameof(ReturnToQueue));
        Status = EmailStatus.PendingSend;
        SendAttempts = Math.Max(0, SendAttempts - 1);
        NextSendAttemptAt = now;
        SendLeaseUntil = null;
        Touch(now);
    }

    /// <summary>A permanent failure, or the last retry spent: Sending becomes Failed with the error. The CRM may ask to send it again.</summary>
    /// <param name="code">The error's stable code.</param>
    /// <param name="message">The error, for people.</param>
    /// <param name="now">The current time.</param>
    /// <param name="outcomeUnknown">
    /// Whether the message may nevertheless have reached Exchange (the last attempt timed out, or an earlier attempt's outcome could not be
    /// looked up); it stays <see cref="SendOutcomeUnknown"/> then, so a later send looks in Sent Items first.
    /// </param>
    public void FailSend(string code, string message, DateTimeOffset now, bool outcomeUnknown = false)
    {
        EnsureSending(nameof(FailSend));
        Status = EmailStatus.Failed;
        NextSendAttemptAt = null;
        SendLeaseUntil = null;
        SendOutcomeUnknown = outcomeUnknown;
        SetSendError(code, message);
        Touch(now);
    }

    /// <summary>
    /// Waiting to be sent from a mailbox that can no longer send (disabled, unapproved, its profile deactivated after the CRM asked):
    /// Failed with that reason, without an attempt, rather than waiting where nobody sees it. While PendingSend, or Sending with its lease
    /// run out (abandoned by an instance that stopped): such an attempt may have reached Exchange, so the email stays
    /// <see cref="SendOutcomeUnknown"/>, as does a PendingSend one that was, and a later send looks in Sent Items first.
    /// </summary>
    public void FailUnsendable(string code, string message, DateTimeOffset now)
    {
        var abandoned = Status == EmailStatus.Sending && SendLeaseUntil <= now;
        if (Status != EmailStatus.PendingSend && !abandoned)
        {
            throw new InvalidOperationException($"{nameof(FailUnsendable)} needs an email waiting to be sent, or abandoned while Sending; this one is {Status}.");
        }

        Status = EmailStatus.Failed;
        NextSendAttemptAt = null;
        SendLeaseUntil = null;
        SendOutcomeUnknown |= abandoned;
        SetSendError(code, message);
        Touch(now);
    }

    /// <summary>
    /// An attempt ended without knowing whether Exchange accepted the message (a timeout, a dropped connection): the next attempt looks in
    /// Sent Items first. While Sending or PendingSend; returns whether anything changed.
    /// </summary>
    public bool MarkSendOutcomeUnknown(DateTimeOffset now)
    {
        if (Status is not (EmailStatus.Sending or EmailStatus.PendingSend))
        {
            throw new InvalidOperationException($"The email is {Status}; only an email being sent has an unknown outcome.");
        }

        if (SendOutcomeUnknown)
        {
            return false;
        }

        SendOutcomeUnknown = true;
        Touch(now);
        return true;
    }

    private void EnsureSending(string transition)
    {
        if (Status != EmailStatus.Sending)
        {
            throw new InvalidOperationException($"{transition} needs an email being sent (Sending); this one is {Status}.");
        }
    }

    private void SetSendError(string code, string message)
    {
        Require(code, SendErrorCodeMaxLength, nameof(code));
        LastSendErrorCode = code;
        LastSendErrorMessage = StoredText.CleanAndTruncate(message ?? string.Empty, SendErrorMessageMaxLength);
    }

    private void ClearSendError()
    {
        LastSendErrorCode = null;
        LastSendErrorMessage = null;
    }
}
