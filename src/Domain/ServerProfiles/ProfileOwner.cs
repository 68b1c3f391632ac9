namespace ExSync.Domain.ServerProfiles;

/// <summary>The user who owns a server profile; alerts about the profile go to this user.</summary>
/// <param name="Id">Identifier of the user in the identity provider (for example the token's subject).</param>
/// <param name="EmailAddress">Address that alerts are sent to.</param>
public sealed record ProfileOwner(string Id, string EmailAddress);
