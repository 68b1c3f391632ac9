using System.Security.Cryptography;
using System.Text;
using ExSync.Domain.Common;
using ExSync.Domain.Emails;
using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>A message as read from Exchange, with the facts synchronization works with drawn from it once.</summary>
internal sealed class ReadMessage
{
    private ReadMessage(EwsMessage message)
    {
        Message = message;
        From = Party(message.From ?? message.Sender);
        To = Parties(message.ToRecipients);
        Cc = Parties(message.CcRecipients);
        Bcc = Parties(message.BccRecipients);
        References = MessageIds.ParseAll(message.References);
    }

    public EwsMessage Message { get; }

    public EmailParty? From { get; }

    public IReadOnlyList<EmailParty> To { get; }

    public IReadOnlyList<EmailParty> Cc { get; }

    public IReadOnlyList<EmailParty> Bcc { get; }

    public IReadOnlyList<string> References { get; }

    public string Subject => Message.Subject ?? string.Empty;

    public static ReadMessage Of(EwsMessage message) => new(message);

    /// <summary>Every address of the message, sender first.</summary>
    public IEnumerable<string> Addresses => (From is null ? To : To.Prepend(From)).Concat(Cc).Concat(Bcc).Select(p => p.EmailAddress);

    /// <summary>The recipients' addresses (To, Cc and the Bcc the mailbox can see).</summary>
    public IEnumerable<string> RecipientAddresses => To.Concat(Cc).Concat(Bcc).Select(p => p.EmailAddress);

    public bool HasCategory(string category) => Message.Categories.Any(c => string.Equals(c, category, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The key every copy of the message shares: its Message-ID, or for a message without one a hash of what every copy keeps (sender,
    /// sent time, subject, recipients), so two mailboxes that received it still make one activity.
    /// </summary>
    public string DeduplicationKey => EmailActivity.DeduplicationKeyFor(Message.InternetMessageId, SynthesizedKey);

    /// <summary>The key of a message without a Message-ID, before <see cref="EmailActivity.DeduplicationKeyFor"/> prefixes it.</summary>
    public string SynthesizedKey
    {
        get
        {
            var text = string.Join('\n',
                From?.EmailAddress.ToUpperInvariant() ?? string.Empty,
                Message.DateTimeSent?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
                Subject,
                string.Join(',', To.Concat(Cc).Select(p => EmailAddresses.Normalize(p.EmailAddress)).Order(StringComparer.Ordinal)));
            return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        }
    }

    private static List<EmailParty> Parties(IReadOnlyList<EwsRecipient> recipients) => recipients.Select(Party).OfType<EmailParty>().ToList();

    // A recipient without an address (an unresolved display name) has nothing to resolve or deduplicate on; it is left out.
    private static EmailParty? Party(EwsRecipient? recipient) =>
        recipient?.EmailAddress is { Length: > 0 } address ? new EmailParty(address, recipient.Name) : null;
}
