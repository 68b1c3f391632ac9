using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Directory;

namespace ExSync.Api.DirectoryEntries;

/// <summary>
/// An email-enabled CRM record: what the addresses of an email's parties resolve to, and what the mailboxes' filters FromCrmRecords and
/// FromEmailEnabledRecords look for. The id is the CRM's own.
/// </summary>
public sealed class DirectoryEntryResource
{
    /// <summary>The entry's id, chosen by the CRM: 1 to 128 characters among A–Z, a–z, 0–9, '-', '_', '.' and '~', starting with a letter or digit; case-sensitive.</summary>
    public required string Id { get; init; }

    /// <summary>The kind of record (User, Queue, Contact, Account, Lead, Other; more may come).</summary>
    public required DirectoryRecordType RecordType { get; init; }

    /// <summary>The CRM's id of the record. A record has one entry.</summary>
    public required string RecordId { get; init; }

    /// <summary>The record's display name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The record's addresses, in the order given, without repeats (ignoring case).</summary>
    public required IReadOnlyList<string> EmailAddresses { get; init; }

    /// <summary>When the entry was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the entry was last replaced with different content.</summary>
    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Version of this representation, for If-Match.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>
/// The body of PUT: the whole entry, which it creates or replaces. Addresses that repeat an earlier one ignoring case are dropped, the
/// first spelling kept.
/// </summary>
[InputFor(typeof(DirectoryEntryResource))]
public record DirectoryEntryInput
{
    /// <summary>The kind of record.</summary>
    [RequiredField]
    public DirectoryRecordType? RecordType { get; init; }

    /// <summary>The CRM's id of the record (at most 200 characters).</summary>
    [RequiredField]
    public string? RecordId { get; init; }

    /// <summary>The record's display name (at most 256 characters).</summary>
    [RequiredField]
    public string? DisplayName { get; init; }

    /// <summary>The record's addresses: 1 to 50 plain SMTP addresses (name@domain, at most 254 characters each).</summary>
    [RequiredField]
    public IReadOnlyList<string>? EmailAddresses { get; init; }

    /// <summary>The content the domain stores.</summary>
    public DirectoryEntryContent ToContent() => new(RecordType!.Value, RecordId!, DisplayName!, EmailAddresses!);
}

/// <summary>One entry of a bulk upsert: its id and the whole entry.</summary>
public sealed record DirectoryBulkEntryInput : DirectoryEntryInput
{
    /// <summary>The entry's id (see the id of DirectoryEntry); each at most once per request.</summary>
    [RequiredField]
    public string? Id { get; init; }
}

/// <summary>Entries to create or replace, all or none.</summary>
public sealed record DirectoryBulkUpsertInput
{
    /// <summary>1 to 10,000 entries, with distinct ids and distinct records.</summary>
    [RequiredField]
    public IReadOnlyList<DirectoryBulkEntryInput>? Entries { get; init; }
}

/// <summary>What a bulk upsert did.</summary>
public sealed class DirectoryBulkUpsertResult
{
    /// <summary>Entries that did not exist.</summary>
    public required int Created { get; init; }

    /// <summary>Entries that existed with different content.</summary>
    public required int Replaced { get; init; }

    /// <summary>Entries that existed with the same content (their ETag is unchanged).</summary>
    public required int Unchanged { get; init; }
}
