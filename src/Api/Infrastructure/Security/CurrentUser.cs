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
    public static string Id(this ClaimsPrincipal user) => IdentifierOf(user) ?? Anonymous;

    /// <summary>The subject (or Entra ID object id) of a principal, if it has a non-blank one.</summary>
    public static string? IdentifierOf(ClaimsPrincipal user) =>
        new[] { user.FindFirst("sub")?.Value, user.FindFirst("oid")?.Value, user.FindFirst(ClaimTypes.NameIdentifier)?.Value }
            .FirstOrDefault(id => !string.IsNullOrWhiteSpace(id));

    /// <summary>Whether an id is one ExSync records for itself, which no token may claim.</summary>
    public static bool IsReserved(string id) =>
        string.Equals(id, Anonymous, StringComparison.OrdinalIgnoreCase) || string.Equals(id, System, StringComparison.OrdinalIgnoreCase);
}
