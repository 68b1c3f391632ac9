using ExSync.Domain.Common;
using Microsoft.AspNetCore.DataProtection;

namespace ExSync.Engine.Secrets;

/// <summary>
/// Encrypts passwords and client secrets with ASP.NET Core Data Protection before they are stored,
/// and decrypts them only when ExSync connects to Exchange.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    // The purpose string isolates these payloads from every other use of Data Protection in the process.
    private readonly IDataProtector protector = provider.CreateProtector("ExSync.ServerProfileSecrets.v1");

    /// <summary>Encrypts a secret.</summary>
    public EncryptedSecret Protect(string plaintext) => new(protector.Protect(plaintext));

    /// <summary>Decrypts a secret.</summary>
    public string Unprotect(EncryptedSecret secret) => protector.Unprotect(secret.Ciphertext);
}
