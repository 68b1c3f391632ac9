using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;
using ExSync.Engine.Jobs;
using ExSync.Exchange.Connectivity;
using ExSync.Persistence;

namespace ExSync.Engine.TestAndEnable;

/// <summary>A claimed item with what testing it needs, read in one query per batch rather than one per item.</summary>
/// <param name="Job">The job.</param>
/// <param name="Item">The claimed item.</param>
/// <param name="Mailbox">The mailbox as read at claim time; null when it no longer exists or the job tests an address.</param>
/// <param name="Profile">The server profile to test with (the mailbox's effective profile, or the connection test's profile).</param>
/// <param name="Organization">The organization settings.</param>
public sealed record TestWork(Job Job, ClaimedJobItem Item, Mailbox? Mailbox, ServerProfile? Profile, OrganizationEmailSettings Organization) : JobWork(Job, Item);

/// <summary>What testing one item produced, before it is recorded.</summary>
public sealed record TestWorkResult : JobWorkResult
{
    /// <summary>A result for an item.</summary>
    public TestWorkResult(TestWork work)
        : base(work)
    {
    }

    /// <summary>The item.</summary>
    public new TestWork Work => (TestWork)base.Work;

    /// <summary>A reason found without contacting Exchange.</summary>
    public TestFailure? Precondition { get; init; }

    /// <summary>The connectivity test's report.</summary>
    public MailboxConnectivityReport? Report { get; init; }

    /// <summary>The report as the domain sees it.</summary>
    public MailboxTestResult? Test { get; init; }

    /// <summary>The mailbox's connection fingerprint when the test started.</summary>
    public string? Fingerprint { get; init; }
}
