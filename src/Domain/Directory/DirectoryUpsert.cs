namespace ExSync.Domain.Directory;

/// <summary>What writing an entry did.</summary>
public enum DirectoryWriteOutcome
{
    /// <summary>There was no entry with this id.</summary>
    Created,

    /// <summary>The entry existed with different content.</summary>
    Replaced,

    /// <summary>The entry existed with the same content; nothing was written.</summary>
    Unchanged,
}

/// <summary>An entry to write: its id and what it says.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Content">Its content.</param>
public sealed record DirectoryEntryWrite(string Id, DirectoryEntryContent Content);

/// <summary>A stored entry's record, as the check for records named twice needs it.</summary>
/// <param name="EntryId">The entry.</param>
/// <param name="Record">Its record.</param>
public sealed record DirectoryRecordHolder(string EntryId, CrmRecordReference Record);

/// <summary>A write that would give a record a second entry.</summary>
/// <param name="Index">The write's position in the request.</param>
/// <param name="EntryId">The entry written.</param>
/// <param name="HeldBy">The entry that already stands for the record.</param>
/// <param name="Record">The record.</param>
public sealed record DirectoryRecordConflict(int Index, string EntryId, string HeldBy, CrmRecordReference Record);

/// <summary>
/// What writing a set of entries does: which are created, replaced or unchanged, and whether one would stand for a record another
/// entry already stands for. A record has at most one entry, so that the lookup never answers the same record twice under two
/// names; an entry rewritten in the same request to another record gives its record up.
/// </summary>
public sealed class DirectoryUpsertPlan
{
    private DirectoryUpsertPlan(IReadOnlyList<DirectoryEntry> entries, IReadOnlyList<DirectoryWriteOutcome> outcomes, IReadOnlyList<DirectoryRecordConflict> conflicts)
    {
        Entries = entries;
        Outcomes = outcomes;
        Conflicts = conflicts;
    }

    /// <summary>Each entry as it is after the write, in request order.</summary>
    public IReadOnlyList<DirectoryEntry> Entries { get; }

    /// <summary>What the write does to each entry, in request order.</summary>
    public IReadOnlyList<DirectoryWriteOutcome> Outcomes { get; }

    /// <summary>The entries to store: those created or replaced.</summary>
    public IReadOnlyList<DirectoryEntry> Writes => Entries.Where((_, i) => Outcomes[i] != DirectoryWriteOutcome.Unchanged).ToList();

    /// <summary>The writes that would name a record twice; when there is any, nothing may be written.</summary>
    public IReadOnlyList<DirectoryRecordConflict> Conflicts { get; }

    /// <summary>Plans the writes.</summary>
    /// <param name="writes">The entries to write, with distinct ids and distinct records.</param>
    /// <param name="existing">The stored entries with those ids.</param>
    /// <param name="holders">The stored entries that stand for any of the records written.</param>
    /// <param name="now">The current time.</param>
    public static DirectoryUpsertPlan Plan(
        IReadOnlyList<DirectoryEntryWrite> writes,
        IReadOnlyDictionary<string, DirectoryEntry> existing,
        IEnumerable<DirectoryRecordHolder> holders,
        DateTimeOffset now)
    {
        var written = writes.Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        if (written.Count != writes.Count)
        {
            throw new ArgumentException("Each entry may be written once per request.", nameof(writes));
        }

        var heldBy = new Dictionary<CrmRecordReference, string>();
        foreach (var holder in holders.Where(h => !written.Contains(h.EntryId)))
        {
            heldBy[holder.Record] = holder.EntryId;
        }

        var entries = new List<DirectoryEntry>(writes.Count);
        var outcomes = new List<DirectoryWriteOutcome>(writes.Count);
        var conflicts = new List<DirectoryRecordConflict>();
        for (var index = 0; index < writes.Count; index++)
        {
            var (id, content) = writes[index];
            var entry = existing.TryGetValue(id, out var current) ? current.ReplacedBy(content, now) : DirectoryEntry.Create(id, content, now);
            entries.Add(entry);
            outcomes.Add(current is null ? DirectoryWriteOutcome.Created : ReferenceEquals(entry, current) ? DirectoryWriteOutcome.Unchanged : DirectoryWriteOutcome.Replaced);
            if (heldBy.TryGetValue(entry.Record, out var other))
            {
                conflicts.Add(new DirectoryRecordConflict(index, id, other, entry.Record));
            }
            else
            {
                heldBy[entry.Record] = id;
            }
        }

        return new DirectoryUpsertPlan(entries, outcomes, conflicts);
    }
}
