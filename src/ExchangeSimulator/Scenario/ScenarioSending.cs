namespace ExSync.ExchangeSimulator;

/// <summary>
/// What limits a mailbox's sending (CreateItem SendOnly / SendAndSaveCopy), as Exchange's quotas, throttling policy and
/// permissions do. Null or empty members impose nothing. Settable in the scenario (<see cref="ScenarioMailbox.Sending"/>)
/// and at run time (<see cref="SimulatorState.SetSendLimits"/>, the control API).
/// </summary>
public sealed class ScenarioSendLimits
{
    /// <summary>
    /// The mailbox's ProhibitSendQuota in bytes: once the mailbox's items add up to this size or more, every send is
    /// refused with ErrorQuotaExceeded (0: the mailbox is full from the start).
    /// </summary>
    public long? ProhibitSendQuotaBytes { get; set; }

    /// <summary>
    /// MessageRateLimit: messages the mailbox may submit per minute (a sliding minute); one more is refused with
    /// ErrorSubmissionQuotaExceeded and nothing is sent or saved.
    /// </summary>
    public int? MessageRateLimit { get; set; }

    /// <summary>
    /// RecipientRateLimit: recipients the mailbox may address per 24 hours (a sliding day, each distinct envelope
    /// recipient of each message counted); a message that would go over it is refused with ErrorSubmissionQuotaExceeded.
    /// </summary>
    public int? RecipientRateLimit { get; set; }

    /// <summary>
    /// Every send from this mailbox is refused with ErrorSendAsDenied, as when the acting account lacks Send As on it;
    /// like Exchange, the message is left in the mailbox's Drafts.
    /// </summary>
    public bool SendAsDenied { get; set; }

    /// <summary>
    /// Addresses besides its own that the mailbox may send as (a From other than the mailbox); any other From is
    /// ErrorSendAsDenied, the message left in Drafts.
    /// </summary>
    public List<string> SendAs { get; set; } = [];

    internal void Validate(string owner, List<string> problems)
    {
        if (ProhibitSendQuotaBytes < 0 || MessageRateLimit < 0 || RecipientRateLimit < 0)
        {
            problems.Add($"mailbox {owner}: sending.prohibitSendQuotaBytes, messageRateLimit and recipientRateLimit must not be negative.");
        }

        if (SendAs.Any(address => string.IsNullOrWhiteSpace(address) || !address.Contains('@', StringComparison.Ordinal)))
        {
            problems.Add($"mailbox {owner}: every sending.sendAs entry must be an email address.");
        }
    }

    internal ScenarioSendLimits Copy() => new()
    {
        ProhibitSendQuotaBytes = ProhibitSendQuotaBytes,
        MessageRateLimit = MessageRateLimit,
        RecipientRateLimit = RecipientRateLimit,
        SendAsDenied = SendAsDenied,
        SendAs = [.. SendAs],
    };
}
