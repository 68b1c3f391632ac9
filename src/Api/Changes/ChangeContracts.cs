using System.ComponentModel;
using ExSync.Domain.Changes;

namespace ExSync.Api.Changes;

/// <summary>One change: an object was created, updated or deleted, and is now at version.</summary>
public sealed class ChangeResource
{
    /// <summary>The change's position in the feed: increasing, with gaps.</summary>
    public required long Sequence { get; init; }

    /// <summary>The kind of object: Email, or MailboxSyncStatus (a mailbox's synchronization changed health: read /api/v1/mailboxes/{id}/sync-status; its version is the time of the change in Unix milliseconds). More kinds will come: skip the ones you do not know.</summary>
    public required string ObjectType { get; init; }

    /// <summary>The object's id (for Email, the id at /api/v1/emails/{id}; for MailboxSyncStatus, the mailbox's id).</summary>
    public required string ObjectId { get; init; }

    /// <summary>Created, Updated or Deleted.</summary>
    public required ChangeOperation Operation { get; init; }

    /// <summary>The object's version after the change (its ETag's number): read the object, and skip changes older than what you have.</summary>
    public required long Version { get; init; }

    /// <summary>When the change was made.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// A page of the change feed. Exactly one of nextLink and deltaLink is present: nextLink while more changes are available now (follow it
/// at once), deltaLink when you are caught up (store it, and call it later for what changes after).
/// </summary>
/// <param name="Value">The changes of this page, in sequence order.</param>
/// <param name="NextLink">Absolute URL of the next page, present while more changes are available now.</param>
/// <param name="DeltaLink">Absolute URL to call later for the changes after this page, present when caught up.</param>
public sealed record ChangePage(
    [property: Description("The changes of this page, in sequence order.")] IReadOnlyList<ChangeResource> Value,
    [property: Description("Absolute URL of the next page; present while more changes are available now. Follow it at once.")] string? NextLink = null,
    [property: Description("Absolute URL for the changes that come after this page; present when you are caught up. Store it and call it later.")] string? DeltaLink = null);
