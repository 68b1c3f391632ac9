namespace ExSync.Domain.Changes;

/// <summary>What happened to an object. Extensible: values may be added in later versions.</summary>
public enum ChangeOperation
{
    /// <summary>The object was created.</summary>
    Created,

    /// <summary>The object changed.</summary>
    Updated,

    /// <summary>The object was deleted.</summary>
    Deleted,
}

/// <summary>
/// The kinds of object the change feed reports. The feed's object type is an extensible string: kinds are added as ExSync grows,
/// and a reader skips the ones it does not know.
/// </summary>
public static class ChangeObjectTypes
{
    /// <summary>An email activity; its id is the email's id, its version the email's version.</summary>
    public const string Email = "Email";

    /// <summary>
    /// A mailbox's synchronization status (<c>GET /mailboxes/{id}/sync-status</c>) changed health: first run, failing, retrying, recovered.
    /// Its id is the mailbox's id; its version is the time of the change in Unix milliseconds.
    /// </summary>
    public const string MailboxSyncStatus = "MailboxSyncStatus";

    /// <summary>Longest object type.</summary>
    public const int MaxLength = 64;
}

/// <summary>
/// One entry of the change feed: an object was created, updated or deleted, and is now at <see cref="Version"/>. Written in the same
/// transaction as the change it records, so the feed never names a change that did not happen nor misses one that did. Readers see
/// entries in <see cref="Sequence"/> order and, whatever the database, never one before a smaller sequence that is still to come.
/// </summary>
public sealed class ChangeRecord
{
    /// <summary>Longest object id.</summary>
    public const int ObjectIdMaxLength = 200;

    private ChangeRecord()
    {
        // For EF Core materialization.
        ObjectType = null!;
        ObjectId = null!;
    }

    /// <summary>The position in the feed, assigned by the database when the record is saved: increasing, never reused, with gaps.</summary>
    public long Sequence { get; private set; }

    /// <summary>The kind of object (see <see cref="ChangeObjectTypes"/>).</summary>
    public string ObjectType { get; private set; }

    /// <summary>The object's id.</summary>
    public string ObjectId { get; private set; }

    /// <summary>What happened.</summary>
    public ChangeOperation Operation { get; private set; }

    /// <summary>The object's version after the change (its ETag's revision).</summary>
    public long Version { get; private set; }

    /// <summary>When the change was made.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>A change to record; its <see cref="Sequence"/> is assigned when it is saved.</summary>
    public static ChangeRecord Create(string objectType, string objectId, ChangeOperation operation, long version, DateTimeOffset occurredAt)
    {
        if (string.IsNullOrWhiteSpace(objectType) || objectType.Length > ChangeObjectTypes.MaxLength)
        {
            throw new ArgumentException($"An object type has 1 to {ChangeObjectTypes.MaxLength} characters.", nameof(objectType));
        }

        if (string.IsNullOrWhiteSpace(objectId) || objectId.Length > ObjectIdMaxLength)
        {
            throw new ArgumentException($"An object id has 1 to {ObjectIdMaxLength} characters.", nameof(objectId));
        }

        return new ChangeRecord { ObjectType = objectType, ObjectId = objectId, Operation = operation, Version = version, OccurredAt = occurredAt };
    }
}
