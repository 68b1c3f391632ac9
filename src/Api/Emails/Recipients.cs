using ExSync.Api.Infrastructure.Problems;
using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Emails;

/// <summary>
/// Turns the recipients the CRM wrote into parties of an email: an address gets the record it resolves to, by the rule incoming email
/// follows (<see cref="RecordPreference"/>); a record gets its address from the directory (its entry's first address, or for a User or
/// Queue the address of the mailbox it owns). A record ExSync does not know, or one without an address, cannot be sent to.
/// </summary>
internal static class Recipients
{
    /// <summary>The parties of the lists, or the 422 naming the first recipient that cannot be used (e.g. <c>to[2].record</c>).</summary>
    public static async Task<(List<EmailParty>[]? Parties, UnprocessableProblem? Problem)> ResolveAsync(
        ExSyncDbContext db,
        IReadOnlyList<(string Field, IReadOnlyList<EmailRecipientInput> Recipients)> lists,
        CancellationToken cancellationToken)
    {
        var all = lists.SelectMany(l => l.Recipients).ToList();
        var records = await FindRecordsAsync(db, all.Where(r => r.Record is not null).Select(r => new CrmRecordReference(r.Record!.RecordType!.Value, r.Record.RecordId!.Trim())), cancellationToken);
        var addresses = all.Select(r => r.EmailAddress).Concat(records.Values.Select(r => r?.Address)).OfType<string>().Select(a => a.Trim()).ToList();
        var matches = await db.FindDirectoryMatchesAsync(addresses, cancellationToken);

        var parties = new List<EmailParty>[lists.Count];
        for (var list = 0; list < lists.Count; list++)
        {
            var (field, recipients) = lists[list];
            parties[list] = [];
            for (var index = 0; index < recipients.Count; index++)
            {
                var recipient = recipients[index];
                var name = string.IsNullOrWhiteSpace(recipient.Name) ? null : recipient.Name.Trim();
                if (recipient.Record is { } named)
                {
                    var reference = new CrmRecordReference(named.RecordType!.Value, named.RecordId!.Trim());
                    var target = $"{field}[{index}].record";
                    switch (records[reference])
                    {
                        case null:
                            return (null, Problem.Unprocessable(ProblemCodes.UnknownRecord, target,
                                $"There is no {reference.RecordType} '{reference.RecordId}' in the directory (nor a mailbox owned by it)."));
                        case { Address: null }:
                            return (null, Problem.Unprocessable(ProblemCodes.RecordHasNoEmailAddress, target,
                                $"The {reference.RecordType} '{reference.RecordId}' has no email address in the directory."));
                        case { Address: { } address, DisplayName: var displayName }:
                            parties[list].Add(new EmailParty(address, name ?? displayName, reference));
                            break;
                    }

                    continue;
                }

                var emailAddress = recipient.EmailAddress!.Trim();
                var record = matches.TryGetValue(EmailAddresses.Normalize(emailAddress), out var found) ? RecordPreference.Choose(found)?.Record : null;
                parties[list].Add(new EmailParty(emailAddress, name, record));
            }
        }

        return (parties, null);
    }

    private sealed record FoundRecord(string? Address, string? DisplayName);

    // Every record named, in two queries: directory entries with their first address, then the mailboxes of Users and Queues without one.
    private static async Task<Dictionary<CrmRecordReference, FoundRecord?>> FindRecordsAsync(
        ExSyncDbContext db,
        IEnumerable<CrmRecordReference> references,
        CancellationToken cancellationToken)
    {
        var wanted = references.Distinct().ToList();
        var found = wanted.ToDictionary(r => r, _ => (FoundRecord?)null);
        if (wanted.Count == 0)
        {
            return found;
        }

        var ids = wanted.Select(r => r.RecordId).Distinct(StringComparer.Ordinal).ToList();
        var entries = await db.DirectoryEntries.AsNoTracking().Include(e => e.EmailAddresses).Where(e => ids.Contains(e.RecordId)).ToListAsync(cancellationToken);
        foreach (var entry in entries.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            if (found.TryGetValue(entry.Record, out var existing) && existing is null)
            {
                found[entry.Record] = new FoundRecord(entry.EmailAddresses.OrderBy(a => a.Position).FirstOrDefault()?.Address, entry.DisplayName);
            }
        }

        var owners = await db.Mailboxes.AsNoTracking().Where(m => ids.Contains(m.Owner.Id))
            .Select(m => new { m.Id, m.EmailAddress, m.Name, OwnerType = m.Owner.Type, OwnerId = m.Owner.Id, OwnerName = m.Owner.Name }).ToListAsync(cancellationToken);
        foreach (var owner in owners.OrderBy(o => o.Id))
        {
            var reference = new CrmRecordReference(owner.OwnerType == MailboxOwnerType.Queue ? DirectoryRecordType.Queue : DirectoryRecordType.User, owner.OwnerId);
            if (found.TryGetValue(reference, out var existing) && existing?.Address is null)
            {
                found[reference] = new FoundRecord(owner.EmailAddress, owner.OwnerName ?? owner.Name);
            }
        }

        return found;
    }
}
