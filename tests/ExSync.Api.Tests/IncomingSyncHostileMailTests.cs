using System.Text;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Mail nobody would write on purpose, delivered as raw bytes the way SMTP keeps them: each message gets exactly one item outcome with a
/// reason (tracked, or not tracked / failed with a code), nothing crashes, and the mailbox goes on to track the next normal message.
/// </summary>
public sealed class IncomingSyncHostileMailTests(SynchronizingDeployment deployment) : IClassFixture<SynchronizingDeployment>
{
    private const int AttachmentLimitKilobytes = 16;
    private const string Sender = "mallory@elsewhere.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Kinds => [.. HostileMessages.Keys];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AHostileMessageGetsOneOutcomeWithAReasonAndTheMailboxGoesOn(string kind)
    {
        var (app, simulator) = (deployment.App, deployment.Simulator);
        await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { MaxAttachmentSizeKilobytes = AttachmentLimitKilobytes }, cancellationToken: Ct);
        var address = simulator.AddExchangeMailbox("hostile");
        var mailbox = await app.CreateMailboxAsync(address, input => input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages);
        Assert.Equal(1, (await app.TestAndEnableAsync(mailbox.Id)).Counts.Succeeded);

        simulator.DeliverMessage(HostileMessages[kind](address), [address]);
        var item = Assert.Single(simulator.Inbox(address));
        await app.RunCycleAsync(mailbox.Id);

        // One outcome for the item, with a reason; a tracked one is an activity the API can serve.
        var events = (await app.Mailboxes().ListMailboxSyncEventsAsync(mailbox.Id, cancellationToken: Ct)).Value.Where(e => e.ItemId == item.Id).ToList();
        var outcome = Assert.Single(events);
        Assert.False(string.IsNullOrWhiteSpace(outcome.ReasonCode));
        TestContext.Current.TestOutputHelper?.WriteLine($"{kind}: {outcome.Outcome} {outcome.ReasonCode} {outcome.Detail}");
        if (outcome.Outcome == ItemOutcome.Tracked)
        {
            var email = await app.Emails().GetEmailAsync(outcome.EmailId!.Value, Ct);
            Assert.Equal(mailbox.Id, email.MailboxId);
            if (kind == "AttachmentFarOverTheLimit")
            {
                var attachment = Assert.Single(email.Attachments);
                Assert.Equal((true, AttachmentSkipReason.TooLarge), (attachment.Skipped, attachment.SkipReason));
                Assert.True(attachment.Size > 50 * AttachmentLimitKilobytes * 1024, $"Recorded size {attachment.Size}.");
            }
        }
        else
        {
            Assert.NotEqual("AttachmentFarOverTheLimit", kind);
            Assert.Contains(outcome.Outcome, new[] { ItemOutcome.NotTracked, ItemOutcome.Failed });
        }

        // The mailbox goes on: the next message is tracked, and the cycle that took it succeeded.
        simulator.DeliverMessage(IncomingMail.Message(Sender, [address], $"Normal after {kind}"));
        var emails = await app.WaitForEmailsAsync(mailbox.Id, e => e.Any(x => x.Subject == $"Normal after {kind}"));
        Assert.Single(emails, e => e.Subject == $"Normal after {kind}");
        var status = (await app.Mailboxes().GetMailboxSyncStatusAsync(mailbox.Id, Ct)).Directions.Single(d => d.Direction == SyncDirection.IncomingEmail);
        Assert.True(status.LastError is null, $"The mailbox stopped on {status.LastError?.Code}: {status.LastError?.Message}");
    }

    private static readonly Dictionary<string, Func<string, byte[]>> HostileMessages = new(StringComparer.Ordinal)
    {
        // Header lines without a colon, a header block that never ends properly, a multipart whose boundary never comes, a NUL byte.
        ["MalformedMime"] = to => Latin1(
            $"From: <<<{Sender}>>>\r\nTo: {to}\r\nthis line is not a header\r\nSubject: broken\r\nMessage-ID: <malformed-{Guid.NewGuid():N}@x>\r\n"
            + "Content-Type: multipart/mixed; boundary=\"never-comes\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "--never-comes\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all\0!!!\r\n"
            + "--never-comes-either\r\nContent-Type: text/html\r\n\r\n<p>unterminated"),

        // A 300 KB subject, 3,000 Received lines and a 1 MB header: far beyond what any column or line limit expects.
        ["HugeHeaders"] = to =>
        {
            var text = new StringBuilder();
            for (var i = 0; i < 3000; i++)
            {
                text.Append($"Received: from relay{i}.elsewhere.example by relay{i + 1}.elsewhere.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n");
            }

            text.Append($"From: {Sender}\r\nTo: {to}\r\nMessage-ID: <huge-{Guid.NewGuid():N}@x>\r\nSubject: {Folded(new string('S', 300_000))}\r\n");
            text.Append($"X-Junk: {Folded(new string('j', 1_000_000))}\r\nContent-Type: text/plain\r\n\r\nSmall body.\r\n");
            return Latin1(text.ToString());
        },

        // 5,000 recipients in To and Cc, one of them the mailbox.
        ["ThousandsOfRecipients"] = to =>
        {
            var others = Enumerable.Range(0, 5000).Select(i => $"person{i}@elsewhere{i % 50}.example");
            return Latin1($"From: {Sender}\r\nTo: {to}, {string.Join(",\r\n ", others.Take(2500))}\r\nCc: {string.Join(",\r\n ", others.Skip(2500))}\r\n"
                + $"Message-ID: <many-{Guid.NewGuid():N}@x>\r\nSubject: To everyone\r\nContent-Type: text/plain\r\n\r\nHello all.\r\n");
        },

        // A charset nobody knows, undecodable encoded words, raw 8-bit bytes that are not UTF-8 in headers and body, and control characters.
        ["BadEncodings"] = to =>
        {
            var head = Latin1($"From: =?x-no-such-charset?Q?M=E4llory?= <{Sender}>\r\nTo: {to}\r\nMessage-ID: <encodings-{Guid.NewGuid():N}@x>\r\n"
                + "Subject: =?utf-8?B?!!!notbase64?= =?utf-8?Q?=FF=FE=00?= ");
            byte[] garbage = [0xC3, 0x28, 0xFF, 0xFE, 0x80, 0x00, 0x01, 0x1B, 0xED, 0xA0, 0x80];
            var middle = Latin1("\r\nX-Garbage: ");
            var body = Latin1("\r\nContent-Type: text/plain; charset=\"x-unknown-charset\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBody: ");
            return [.. head, .. garbage, .. middle, .. garbage, .. body, .. garbage, .. Latin1("\r\nend\r\n")];
        },

        // A 1 MB attachment where the organization keeps at most 16 KB.
        ["AttachmentFarOverTheLimit"] = to =>
        {
            var message = IncomingMail.Message(Sender, [to], "Huge attachment").WithAttachment("huge.bin", new byte[1024 * 1024], "application/octet-stream");
            using var stream = new MemoryStream();
            message.WriteTo(stream);
            return stream.ToArray();
        },

        // 200 multiparts nested in each other, a text part at the bottom.
        ["DeeplyNestedMultiparts"] = to =>
        {
            const int Depth = 200;
            var text = new StringBuilder($"From: {Sender}\r\nTo: {to}\r\nMessage-ID: <nested-{Guid.NewGuid():N}@x>\r\nSubject: Nested\r\nMIME-Version: 1.0\r\n");
            for (var level = 0; level < Depth; level++)
            {
                text.Append($"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n");
            }

            text.Append("Content-Type: text/plain\r\n\r\nAt the bottom.\r\n");
            for (var level = Depth - 1; level >= 0; level--)
            {
                text.Append($"--b{level}--\r\n");
            }

            return Latin1(text.ToString());
        },
    };

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>A long header value folded into lines of under 1,000 characters, as RFC 5322 requires of a well-behaved sender.</summary>
    private static string Folded(string value) => string.Join("\r\n ", value.Chunk(900).Select(c => new string(c)));
}
