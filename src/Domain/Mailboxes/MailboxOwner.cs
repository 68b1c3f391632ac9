namespace ExSync.Domain.Mailboxes;

/// <summary>The user or queue a mailbox belongs to.</summary>
/// <param name="Type">User or queue.</param>
/// <param name="Id">Identifier of the user (as in the identity provider) or of the queue.</param>
/// <param name="Name">Display name.</param>
public sealed record MailboxOwner(MailboxOwnerType Type, string Id, string? Name);

/// <summary>The last error met while testing or synchronizing a mailbox.</summary>
/// <param name="Code">Stable error code.</param>
/// <param name="Message">Explanation, including what to do about it.</param>
/// <param name="OccurredAt">When it happened.</param>
public sealed record MailboxError(string Code, string Message, DateTimeOffset OccurredAt);
