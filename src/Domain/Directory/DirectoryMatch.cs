namespace ExSync.Domain.Directory;

/// <summary>Where a match for an address came from.</summary>
public enum DirectoryMatchSource
{
    /// <summary>A mailbox: its owner, a User or a Queue, needs no directory entry.</summary>
    Mailbox,

    /// <summary>A directory entry the CRM registered.</summary>
    DirectoryEntry,
}

/// <summary>A CRM record one email address resolves to.</summary>
/// <param name="Record">The record.</param>
/// <param name="DisplayName">Its display name: the entry's, or the mailbox owner's name (the mailbox's name when the owner has none).</param>
/// <param name="Source">A mailbox or a directory entry.</param>
/// <param name="SourceId">The mailbox's id, or the directory entry's id.</param>
public sealed record DirectoryMatch(CrmRecordReference Record, string DisplayName, DirectoryMatchSource Source, string SourceId);

/// <summary>
/// Which record an address stands for when several match it, as Dynamics 365 chooses a sender among duplicates
/// (sync-reference §1.5): by record type, <c>User</c> &gt; <c>Queue</c> &gt; <c>Contact</c> &gt; <c>Account</c> &gt; <c>Lead</c>
/// &gt; <c>Other</c>; within one type, a mailbox's owner before a directory entry, then the lowest record id (ordinal), so the
/// choice never depends on the order the database returned the rows in. The same rule serves every party (from, to, cc, bcc):
/// an email names one record per address.
/// </summary>
public static class RecordPreference
{
    /// <summary>The rank of a record type: lower is preferred. Types added later rank after Other.</summary>
    public static int Rank(DirectoryRecordType recordType) => recordType switch
    {
        DirectoryRecordType.User => 0,
        DirectoryRecordType.Queue => 1,
        DirectoryRecordType.Contact => 2,
        DirectoryRecordType.Account => 3,
        DirectoryRecordType.Lead => 4,
        DirectoryRecordType.Other => 5,
        _ => 6,
    };

    /// <summary>The preferred match, or null when there is none.</summary>
    public static DirectoryMatch? Choose(IEnumerable<DirectoryMatch> matches) =>
        matches
            .OrderBy(m => Rank(m.Record.RecordType))
            .ThenBy(m => m.Source == DirectoryMatchSource.Mailbox ? 0 : 1)
            .ThenBy(m => m.Record.RecordId, StringComparer.Ordinal)
            .ThenBy(m => m.SourceId, StringComparer.Ordinal)
            .FirstOrDefault();
}
