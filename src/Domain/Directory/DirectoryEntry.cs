using System.Text.RegularExpressions;
using ExSync.Domain.Common;

namespace ExSync.Domain.Directory;

/// <summary>
/// An email-enabled CRM record as the CRM registered it: what the addresses of a message's parties resolve to, and what the
/// "from CRM records" filters look for. The CRM names each entry with an id of its own choosing (<see cref="IsValidId"/>).
/// Entries are written whole (created or replaced), never patched: the CRM is their source of truth.
/// </summary>
public sealed partial class DirectoryEntry
{
    /// <summary>Longest entry id.</summary>
    public const int IdMaxLength = 128;

    /// <summary>Longest record id.</summary>
    public const int RecordIdMaxLength = 200;

    /// <summary>Longest display name.</summary>
    public const int DisplayNameMaxLength = 256;

    /// <summary>Most email addresses of one entry.</summary>
    public const int MaxEmailAddresses = 50;

    private readonly List<DirectoryEntryAddress> emailAddresses = [];

    private DirectoryEntry()
    {
        // For EF Core materialization.
        Id = null!;
        RecordId = null!;
        DisplayName = null!;
    }

    /// <summary>The CRM's id of the entry (see <see cref="IsValidId"/>); compared case-sensitively.</summary>
    public string Id { get; private set; }

    /// <summary>The kind of record.</summary>
    public DirectoryRecordType RecordType { get; private set; }

    /// <summary>The CRM's id of the record.</summary>
    public string RecordId { get; private set; }

    /// <summary>The record's display name.</summary>
    public string DisplayName { get; private set; }

    /// <summary>
    /// The record's addresses without duplicates (ignoring case); <see cref="DirectoryEntryAddress.Position"/> is the order the CRM gave
    /// them in (a database returns them in any order).
    /// </summary>
    public IReadOnlyList<DirectoryEntryAddress> EmailAddresses => emailAddresses;

    /// <summary>When the entry was first created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the entry was last replaced with different content.</summary>
    public DateTimeOffset ModifiedAt { get; private set; }

    /// <summary>Incremented by every change; the basis of the ETag.</summary>
    public long Revision { get; private set; }

    /// <summary>The record this entry stands for.</summary>
    public CrmRecordReference Record => new(RecordType, RecordId);

    /// <summary>
    /// Whether <paramref name="id"/> may name an entry: 1 to 128 characters among the URL-safe letters A–Z and a–z, digits, <c>-</c>,
    /// <c>_</c>, <c>.</c> and <c>~</c> (RFC 3986's unreserved characters, so an id needs no escaping in a URL), starting with a letter or
    /// digit. GUIDs and the ids of common CRMs fit.
    /// </summary>
    public static bool IsValidId(string? id) => id is { Length: > 0 and <= IdMaxLength } && IdPattern().IsMatch(id);

    /// <summary>A new entry at revision 1.</summary>
    public static DirectoryEntry Create(string id, DirectoryEntryContent content, DateTimeOffset now)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException($"'{id}' is not a valid directory entry id.", nameof(id));
        }

        var entry = new DirectoryEntry { Id = id, CreatedAt = now, Revision = 0 };
        entry.Apply(content.Normalized(), now);
        return entry;
    }

    /// <summary>
    /// This entry replaced by <paramref name="content"/>: a new instance at the next revision, keeping the creation time; or this very
    /// instance when the content is the same, so that an unchanged entry keeps its ETag.
    /// </summary>
    public DirectoryEntry ReplacedBy(DirectoryEntryContent content, DateTimeOffset now)
    {
        var normalized = content.Normalized();
        if (normalized.Equals(Content))
        {
            return this;
        }

        var replaced = new DirectoryEntry { Id = Id, CreatedAt = CreatedAt, Revision = Revision };
        replaced.Apply(normalized, now);
        return replaced;
    }

    /// <summary>The entry's content, as it would be written again.</summary>
    public DirectoryEntryContent Content => new(RecordType, RecordId, DisplayName, emailAddresses.OrderBy(a => a.Position).Select(a => a.Address).ToList());

    private void Apply(DirectoryEntryContent content, DateTimeOffset now)
    {
        RecordType = content.RecordType;
        RecordId = content.RecordId;
        DisplayName = content.DisplayName;
        emailAddresses.Clear();
        emailAddresses.AddRange(content.EmailAddresses.Select((address, position) => new DirectoryEntryAddress(Id, position, address)));
        ModifiedAt = now;
        Revision++;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._~-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}

/// <summary>One email address of a directory entry.</summary>
public sealed class DirectoryEntryAddress
{
    /// <summary>An address at a position of an entry's list.</summary>
    public DirectoryEntryAddress(string entryId, int position, string address)
    {
        EntryId = entryId;
        Position = position;
        Address = address;
        NormalizedAddress = Common.EmailAddresses.Normalize(address);
    }

    /// <summary>The entry.</summary>
    public string EntryId { get; private set; }

    /// <summary>The address's place in the entry's list, from 0.</summary>
    public int Position { get; private set; }

    /// <summary>The address as the CRM gave it (trimmed).</summary>
    public string Address { get; private set; }

    /// <summary>The address as lookups compare it (<see cref="Common.EmailAddresses.Normalize"/>).</summary>
    public string NormalizedAddress { get; private set; }
}

/// <summary>What a directory entry says about its record: everything a PUT or a bulk upsert writes.</summary>
/// <param name="RecordType">The kind of record.</param>
/// <param name="RecordId">The CRM's id of the record.</param>
/// <param name="DisplayName">The record's display name.</param>
/// <param name="EmailAddresses">Its addresses (1 to 50).</param>
public sealed record DirectoryEntryContent(DirectoryRecordType RecordType, string RecordId, string DisplayName, IReadOnlyList<string> EmailAddresses)
{
    /// <summary>
    /// The content as stored: text trimmed, and addresses that repeat an earlier one ignoring case dropped, so
    /// <c>["Alice@contoso.com", "alice@CONTOSO.com"]</c> keeps only the first.
    /// </summary>
    public DirectoryEntryContent Normalized()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var addresses = EmailAddresses.Select(a => a.Trim()).Where(a => seen.Add(Common.EmailAddresses.Normalize(a))).ToList();
        return new DirectoryEntryContent(RecordType, RecordId.Trim(), DisplayName.Trim(), addresses);
    }

    /// <summary>Equal when every field and every address (in order, as spelled) is.</summary>
    public bool Equals(DirectoryEntryContent? other) =>
        other is not null
        && RecordType == other.RecordType
        && string.Equals(RecordId, other.RecordId, StringComparison.Ordinal)
        && string.Equals(DisplayName, other.DisplayName, StringComparison.Ordinal)
        && EmailAddresses.SequenceEqual(other.EmailAddresses, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(RecordType, RecordId, DisplayName, EmailAddresses.Count);
}
