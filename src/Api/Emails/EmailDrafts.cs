using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Emails;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Emails;

/// <summary>What creating and editing a draft share: its content from the input, its regarding, the token it gets when sent.</summary>
internal static class EmailDrafts
{
    // A random number is almost always free; with few digits and much sent email, a token is eventually reused, which only makes a reply
    // that kept nothing but the token correlate with the older email.
    private const int TokenDraws = 10;

    /// <summary>
    /// The content an input describes, with its recipients resolved; or the 422 naming a recipient that cannot be used. For a patch
    /// (<paramref name="patch"/> and <paramref name="current"/> given), a recipient list the patch does not name keeps its parties as they
    /// are, records included, rather than being resolved again.
    /// </summary>
    public static async Task<(OutgoingContent? Content, UnprocessableProblem? Problem)> ContentAsync(
        ExSyncDbContext db,
        EmailInput input,
        MergePatch<EmailInput>? patch,
        EmailActivity? current,
        CancellationToken cancellationToken)
    {
        var named = new List<(string Field, IReadOnlyList<EmailRecipientInput> Recipients)>();
        foreach (var (field, recipients) in new[] { ("to", input.To), ("cc", input.Cc), ("bcc", input.Bcc) })
        {
            if (current is null || patch!.Mentions(field))
            {
                named.Add((field, recipients ?? []));
            }
        }

        var (parties, problem) = await Recipients.ResolveAsync(db, named, cancellationToken);
        if (parties is null)
        {
            return (null, problem);
        }

        IReadOnlyList<EmailParty> PartiesOf(string field, IReadOnlyList<EmailParty>? kept)
        {
            var index = named.FindIndex(n => n.Field == field);
            return index >= 0 ? parties[index] : kept!;
        }

        return (new OutgoingContent
        {
            Subject = input.Subject ?? string.Empty,
            To = PartiesOf("to", current?.To),
            Cc = PartiesOf("cc", current?.Cc),
            Bcc = PartiesOf("bcc", current?.Bcc),
            BodyContentType = input.Body?.ContentType ?? EmailBodyContentType.Text,
            Body = input.Body?.Content ?? string.Empty,
        }, null);
    }

    /// <summary>The regarding an input names, trimmed; null for none.</summary>
    public static EmailRegarding? Regarding(EmailInput input) =>
        input.Regarding is { } regarding ? new EmailRegarding(regarding.RecordType!.Trim(), regarding.RecordId!.Trim()) : null;

    /// <summary>An email read for a change: tracked, with its mailboxes, attachments and body.</summary>
    public static Task<EmailActivity?> FindTrackedAsync(ExSyncDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Emails.Include(e => e.Mailboxes).Include(e => e.Attachments).Include(e => e.Body).AsSplitQuery().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);

    /// <summary>A tracking token of the organization's format that no email has yet, when one is found in a few draws.</summary>
    public static async Task<string> UnusedTrackingTokenAsync(ExSyncDbContext db, TrackingTokenFormat format, CancellationToken cancellationToken)
    {
        var token = format.Format(Random.Shared.NextInt64(0, format.MaxNumber + 1));
        for (var draw = 1; draw < TokenDraws && await db.Emails.AnyAsync(e => e.TrackingToken == token, cancellationToken); draw++)
        {
            token = format.Format(Random.Shared.NextInt64(0, format.MaxNumber + 1));
        }

        return token;
    }
}
