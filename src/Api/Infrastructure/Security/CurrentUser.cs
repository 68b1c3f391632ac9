using System.Security.Claims;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>Who is calling, as recorded on the jobs and changes they make.</summary>
public static class CurrentUser
{
    /// <summary>Recorded for calls made without an identity.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Recorded for work ExSync starts on its own (scheduled retests).</summary>
    public const string System = "system";

    /// <summary>The caller's user id: the token's subject (or Entra ID object id), or <see cref="Anonymous"/>.</summary>
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirst("sub")?.Value
        ?? user.FindFirst("oid")?.Value
        ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
        ?? Anonymous;
}
