namespace ExSync.Domain.Common;

/// <summary>
/// A secret (password or client secret) in its encrypted form. The domain never sees plaintext:
/// the API encrypts on the way in and decrypts only when it connects to Exchange.
/// </summary>
/// <param name="Ciphertext">The protected payload, opaque to the domain.</param>
public sealed record EncryptedSecret(string Ciphertext)
{
    /// <summary>Never reveals the ciphertext, so a secret cannot leak through logging of a record graph.</summary>
    public override string ToString() => "***";
}
