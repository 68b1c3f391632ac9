using System.Security.Claims;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>
/// ExSync's privileges, modelled on Dynamics 365: each is a role in the caller's token (the <c>roles</c> or <c>role</c> claim) and
/// an authorization policy of the same name.
/// </summary>
public static class Privileges
{
    /// <summary>System administrator: server profiles, organization settings, jobs, every alert, the audit trail.</summary>
    public const string Administrator = "ExSync.Administrator";

    /// <summary>Read every mailbox.</summary>
    public const string MailboxRead = "Mailbox.Read";

    /// <summary>Create, change and delete mailboxes (their server profile and delivery methods also need Administrator).</summary>
    public const string MailboxWrite = "Mailbox.Write";

    /// <summary>Approve or reject email addresses (together with Administrator).</summary>
    public const string EmailApprove = "Email.Approve";

    /// <summary>Read email activities, their attachments and the change feed (the CRM's integration reads with it).</summary>
    public const string EmailRead = "Email.Read";

    /// <summary>Set the fields of email activities the CRM owns (regarding).</summary>
    public const string EmailWrite = "Email.Write";

    /// <summary>Read the directory of CRM records.</summary>
    public const string DirectoryRead = "Directory.Read";

    /// <summary>Create, replace and delete directory entries, one at a time or in bulk.</summary>
    public const string DirectoryWrite = "Directory.Write";

    /// <summary>Every privilege, for documentation and tests.</summary>
    public static IReadOnlyList<string> All { get; } = [Administrator, MailboxRead, MailboxWrite, EmailApprove, EmailRead, EmailWrite, DirectoryRead, DirectoryWrite];

    /// <summary>The claim roles are read from (role claims are copied into it at sign-in).</summary>
    public const string RoleClaim = "roles";

    /// <summary>Whether the caller holds a privilege.</summary>
    public static bool Has(this ClaimsPrincipal user, string privilege) => user.IsInRole(privilege);
}
