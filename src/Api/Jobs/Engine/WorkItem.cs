using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;
using ExSync.Exchange.Connectivity;

namespace ExSync.Api.Jobs.Engine;

/// <summary>A claimed item with what testing it needs, read in one query per batch rather than one per item.</summary>
/// <param name="Item">The claimed item.</param>
/// <param name="Job">The job.</param>
/// <param name="Mailbox">The mailbox as read at claim time; null when it no longer exists or the job tests an address.</param>
/// <param name="Profile">The server profile to test with (the mailbox's effective profile, or the connection test's profile).</param>
/// <param name="Organization">The organization settings.</param>
public sealed record WorkItem(ClaimedItem Item, Job Job, Mailbox? Mailbox, ServerProfile? Profile, OrganizationEmailSettings Organization);

/// <summary>What processing an item produced, before it is recorded.</summary>
public sealed class ItemResult
{
    /// <summary>The item.</summary>
    public required WorkItem Work { get; init; }

    /// <summary>The worker is stopping: give the item back unprocessed.</summary>
    public bool Release { get; init; }

    /// <summary>The job was canceled before or while the item was processed.</summary>
    public bool Canceled { get; init; }

    /// <summary>A reason found without contacting Exchange.</summary>
    public TestFailure? Precondition { get; init; }

    /// <summary>The connectivity test's report.</summary>
    public MailboxConnectivityReport? Report { get; init; }

    /// <summary>The report as the domain sees it.</summary>
    public MailboxTestResult? Test { get; init; }

    /// <summary>The mailbox's connection fingerprint when the test started.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>An unexpected failure of ExSync itself (logged); the mailbox is left unchanged.</summary>
    public bool Crashed { get; init; }

    /// <summary>Whether the item tests a mailbox (as opposed to the address of a connection test).</summary>
    public bool IsMailboxTest => Work.Job.Kind != JobKind.TestConnection;
}
