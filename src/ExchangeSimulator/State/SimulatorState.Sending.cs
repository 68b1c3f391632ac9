namespace ExSync.ExchangeSimulator;

/// <summary>Sending: per-mailbox send limits, recipients transport refuses, and the record of what was sent.</summary>
public sealed partial class SimulatorState
{
    /// <summary>Every message sent by CreateItem (SendOnly, SendAndSaveCopy), and those that left the organisation.</summary>
    public SimulatorOutbox Outbox { get; } = new();

    /// <summary>Recipient addresses transport refuses at submission (ErrorInvalidRecipients).</summary>
    public IReadOnlyList<string> RejectedRecipients => Submission.RejectedRecipients;

    internal SubmissionPolicy Submission { get; }

    /// <summary>Replaces the recipient addresses transport refuses at submission.</summary>
    public void SetRejectedRecipients(IEnumerable<string> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        Submission.SetRejectedRecipients(addresses);
    }

    /// <summary>A copy of the mailbox's send limits; null when none are set.</summary>
    /// <exception cref="ArgumentException">The simulator has no such mailbox.</exception>
    public ScenarioSendLimits? GetSendLimits(string smtpAddress) => Submission.GetLimits(Mailbox(smtpAddress).SmtpAddress);

    /// <summary>
    /// Sets (or with null removes) the mailbox's send quota, rate limits and Send As rights. Messages the mailbox sent
    /// while a rate limit was set keep counting in its window.
    /// </summary>
    /// <exception cref="ArgumentException">The simulator has no such mailbox.</exception>
    /// <exception cref="InvalidDataException">The limits are invalid (negative, a Send As entry that is no address).</exception>
    public void SetSendLimits(string smtpAddress, ScenarioSendLimits? limits)
    {
        var mailbox = Mailbox(smtpAddress);
        if (limits is not null)
        {
            var problems = new List<string>();
            limits.Validate(mailbox.SmtpAddress, problems);
            if (problems.Count > 0)
            {
                throw new InvalidDataException(string.Join(" ", problems));
            }
        }

        Submission.SetLimits(mailbox.SmtpAddress, limits);
    }
}
