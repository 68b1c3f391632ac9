namespace ExSync.Domain.TestAndEnable;

/// <summary>Stable codes of Test &amp; Enable failures that are found without calling Exchange.</summary>
public static class TestAndEnableErrors
{
    /// <summary>The mailbox is inactive.</summary>
    public const string MailboxInactive = "MailboxInactive";

    /// <summary>Neither the mailbox nor the organization has a server profile.</summary>
    public const string NoServerProfile = "NoServerProfile";

    /// <summary>The mailbox's server profile is inactive.</summary>
    public const string ServerProfileInactive = "ServerProfileInactive";

    /// <summary>The organization requires approval and the mailbox's address is not approved.</summary>
    public const string EmailNotApproved = "EmailNotApproved";

    /// <summary>No direction of the mailbox uses server-side synchronization.</summary>
    public const string NothingToTest = "NothingToTest";

    /// <summary>
    /// ExSync has no mailbox with this id: it never existed or was deleted before it was tested.
    /// Distinct from the Exchange code MailboxNotFound (Exchange has no such mailbox), which fails the item.
    /// </summary>
    public const string UnknownMailbox = "UnknownMailbox";

    /// <summary>The mailbox's profile, delivery methods or address changed while it was being tested; the result no longer applies.</summary>
    public const string MailboxChangedDuringTest = "MailboxChangedDuringTest";

    /// <summary>The test was canceled with its job.</summary>
    public const string Canceled = "Canceled";
}
