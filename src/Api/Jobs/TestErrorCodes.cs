using ExSync.Domain.TestAndEnable;

namespace ExSync.Api.Jobs;

/// <summary>
/// The codes a Test &amp; Enable result, a mailbox's lastError or an alert can carry besides the Exchange error codes of
/// src/Exchange/README.md: failures found without contacting Exchange, and outcomes of the job itself. Documented in the README.
/// </summary>
public static class TestErrorCodes
{
    /// <summary>Every code with its meaning.</summary>
    public static IReadOnlyList<TestErrorCodeInfo> All { get; } =
    [
        new(TestAndEnableErrors.MailboxInactive, "The mailbox is inactive, so it was not tested. Activate it and test again."),
        new(TestAndEnableErrors.NoServerProfile, "Neither the mailbox nor the organization has a server profile."),
        new(TestAndEnableErrors.ServerProfileInactive, "The mailbox's server profile is inactive."),
        new(TestAndEnableErrors.EmailNotApproved, "The organization processes email only for approved users (or queues) and the mailbox's address is not approved."),
        new(TestAndEnableErrors.NothingToTest, "No direction of the mailbox uses server-side synchronization (the item is Skipped)."),
        new(TestAndEnableErrors.UnknownMailbox, "ExSync has no mailbox with this id: it never existed or was deleted before it was tested (the item is Skipped)."),
        new(TestAndEnableErrors.MailboxChangedDuringTest, "The mailbox's profile, delivery methods or address changed while it was tested, so the result was not applied (Skipped)."),
        new(TestAndEnableErrors.Canceled, "The item was not tested: its job was canceled, or failed as a whole (see the job's error), first."),
        new("InternalError", "ExSync itself failed while testing; the mailbox was left unchanged. Test again, and report it with the job id if it persists."),
        new("MailboxEnabled", "Alert only: the mailbox passed Test & Enable and is enabled."),
        new("TestRetryScheduled", "Alert only: a transient failure; ExSync tests the mailbox again at the time given."),
        new("MajorFailures", "Alert only: more than half of a profile's mailboxes failed within one hour."),
    ];
}

/// <summary>One documented Test &amp; Enable code.</summary>
/// <param name="Code">The code.</param>
/// <param name="Meaning">What it means.</param>
public sealed record TestErrorCodeInfo(string Code, string Meaning);
