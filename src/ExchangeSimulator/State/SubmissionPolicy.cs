using System.Collections.Concurrent;
using System.Net.Mail;

namespace ExSync.ExchangeSimulator;

/// <summary>Why transport refused a message at submission; the response code is what EWS answers.</summary>
internal enum SubmissionRefusal
{
    None,
    InvalidRecipients,
    QuotaExceeded,
    SendAsDenied,
    SubmissionQuotaExceeded,
}

/// <summary>
/// The checks Exchange makes when a mailbox submits a message: recipients transport refuses, the mailbox's
/// ProhibitSendQuota, Send As rights, and the throttling policy's MessageRateLimit (per minute) and RecipientRateLimit
/// (per day). Rate windows slide on the simulator's clock and count only messages actually submitted.
/// </summary>
internal sealed class SubmissionPolicy(TimeProvider time)
{
    private static readonly TimeSpan MessageWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RecipientWindow = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, MailboxSending> _mailboxes = new(StringComparer.OrdinalIgnoreCase);
    private HashSet<string> _rejectedRecipients = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> RejectedRecipients => [.. Volatile.Read(ref _rejectedRecipients).Order(StringComparer.OrdinalIgnoreCase)];

    public void SetRejectedRecipients(IEnumerable<string> addresses) =>
        Volatile.Write(ref _rejectedRecipients, new HashSet<string>(addresses.Select(address => address.Trim()), StringComparer.OrdinalIgnoreCase));

    public ScenarioSendLimits? GetLimits(string mailbox) => _mailboxes.TryGetValue(mailbox, out var sending) ? sending.Limits?.Copy() : null;

    public void SetLimits(string mailbox, ScenarioSendLimits? limits) =>
        _mailboxes.GetOrAdd(mailbox, _ => new MailboxSending()).SetLimits(limits?.Copy());

    /// <summary>The first recipient transport refuses: a configured one, or an address that is not an SMTP address.</summary>
    public string? FirstRejectedRecipient(IEnumerable<string> recipients)
    {
        var rejected = Volatile.Read(ref _rejectedRecipients);
        return recipients.FirstOrDefault(address => rejected.Contains(address) || !IsSmtpAddress(address));
    }

    /// <summary>Whether the mailbox may put <paramref name="from"/> in From (its own address always).</summary>
    public bool MaySendAs(MailboxStore mailbox, string? from)
    {
        var limits = _mailboxes.TryGetValue(mailbox.SmtpAddress, out var sending) ? sending.Limits : null;
        if (limits is { SendAsDenied: true })
        {
            return false;
        }

        return from is null ||
               string.Equals(from, mailbox.SmtpAddress, StringComparison.OrdinalIgnoreCase) ||
               (limits?.SendAs.Contains(from, StringComparer.OrdinalIgnoreCase) ?? false);
    }

    public bool IsOverQuota(MailboxStore mailbox) =>
        _mailboxes.TryGetValue(mailbox.SmtpAddress, out var sending) && sending.Limits?.ProhibitSendQuotaBytes is { } quota && mailbox.TotalSize() >= quota;

    /// <summary>
    /// Counts the message against the mailbox's rate limits when it fits within them; false (and nothing counted) when
    /// it would exceed one. Check and count are one step, so concurrent sends cannot both slip under a limit.
    /// </summary>
    public bool TryConsumeRate(MailboxStore mailbox, int recipientCount) =>
        !_mailboxes.TryGetValue(mailbox.SmtpAddress, out var sending) || sending.TryConsume(time.GetUtcNow(), recipientCount);

    private static bool IsSmtpAddress(string address) =>
        MailAddress.TryCreate(address, out var parsed) && parsed.Address.Equals(address, StringComparison.OrdinalIgnoreCase) && parsed.Host.Length > 0;

    private sealed class MailboxSending
    {
        private readonly Lock _gate = new();
        private readonly Queue<DateTimeOffset> _messages = new();
        private readonly Queue<(DateTimeOffset At, int Count)> _recipients = new();
        private int _recipientsInWindow;
        private ScenarioSendLimits? _limits;

        public ScenarioSendLimits? Limits => Volatile.Read(ref _limits);

        public void SetLimits(ScenarioSendLimits? limits) => Volatile.Write(ref _limits, limits);

        public bool TryConsume(DateTimeOffset now, int recipientCount)
        {
            var limits = Limits;
            if (limits?.MessageRateLimit is null && limits?.RecipientRateLimit is null)
            {
                return true;
            }

            lock (_gate)
            {
                while (_messages.TryPeek(out var at) && now - at >= MessageWindow)
                {
                    _messages.Dequeue();
                }

                while (_recipients.TryPeek(out var entry) && now - entry.At >= RecipientWindow)
                {
                    _recipientsInWindow -= _recipients.Dequeue().Count;
                }

                if (_messages.Count + 1 > limits.MessageRateLimit || _recipientsInWindow + recipientCount > limits.RecipientRateLimit)
                {
                    return false;
                }

                _messages.Enqueue(now);
                _recipients.Enqueue((now, recipientCount));
                _recipientsInWindow += recipientCount;
                return true;
            }
        }
    }
}
