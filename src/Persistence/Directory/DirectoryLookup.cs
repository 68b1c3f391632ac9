using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Domain.Mailboxes;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>
/// Resolves email addresses to CRM records for the synchronization engine: directory entries, and the owners of ExSync's mailboxes,
/// which resolve as User or Queue (by the mailbox's owner type and id) without an entry.
/// </summary>
public static class DirectoryLookup
{
    /// <summary>
    /// Every record each address matches, in two queries whatever the number of addresses. Addresses are normalized with
    /// <see cref="EmailAddresses.Normalize"/> (again, if the caller did); the answer has one key per distinct normalized address,
    /// with an empty list when nothing matches. A record appears once per address even when a mailbox and an entry both name it (the
    /// mailbox's match is kept). Choose among several with <see cref="RecordPreference.Choose"/>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>>> FindDirectoryMatchesAsync(
        this ExSyncDbContext db,
        IEnumerable<string> emailAddresses,
        CancellationToken cancellationToken)
    {
        var normalized = emailAddresses.Select(EmailAddresses.Normalize).Distinct(StringComparer.Ordinal).ToList();
        var matches = normalized.ToDictionary(a => a, _ => new List<DirectoryMatch>(), StringComparer.Ordinal);
        if (normalized.Count == 0)
        {
            return matches.ToDictionary(m => m.Key, m => (IReadOnlyList<DirectoryMatch>)m.Value, StringComparer.Ordinal);
        }

        var owners = await db.Mailboxes.AsNoTracking()
            .Where(m => normalized.Contains(m.NormalizedEmailAddress))
            .Select(m => new { m.Id, m.NormalizedEmailAddress, m.Name, OwnerType = m.Owner.Type, OwnerId = m.Owner.Id, OwnerName = m.Owner.Name })
            .ToListAsync(cancellationToken);
        foreach (var owner in owners.OrderBy(o => o.Id))
        {
            var type = owner.OwnerType == MailboxOwnerType.Queue ? DirectoryRecordType.Queue : DirectoryRecordType.User;
            matches[owner.NormalizedEmailAddress].Add(new DirectoryMatch(new CrmRecordReference(type, owner.OwnerId), owner.OwnerName ?? owner.Name, DirectoryMatchSource.Mailbox, owner.Id.ToString()));
        }

        var entries = await (
                from address in db.DirectoryEntryAddresses
                where normalized.Contains(address.NormalizedAddress)
                join entry in db.DirectoryEntries on address.EntryId equals entry.Id
                select new { address.NormalizedAddress, entry.Id, entry.RecordType, entry.RecordId, entry.DisplayName })
            .ToListAsync(cancellationToken);
        foreach (var entry in entries.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            var found = matches[entry.NormalizedAddress];
            var record = new CrmRecordReference(entry.RecordType, entry.RecordId);
            if (!found.Exists(m => m.Record == record))
            {
                found.Add(new DirectoryMatch(record, entry.DisplayName, DirectoryMatchSource.DirectoryEntry, entry.Id));
            }
        }

        return matches.ToDictionary(m => m.Key, m => (IReadOnlyList<DirectoryMatch>)m.Value, StringComparer.Ordinal);
    }
}
