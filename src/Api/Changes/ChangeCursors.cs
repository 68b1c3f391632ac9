using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ExSync.Api.Changes;

/// <summary>
/// Change feed cursors: a position in the feed (the last sequence a reader has seen), encrypted and authenticated with the
/// deployment's Data Protection key ring, which every instance shares. A cursor is opaque, cannot be forged or altered, and is
/// refused by any other deployment.
/// </summary>
public sealed class ChangeCursors(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("ExSync.ChangeFeed.Cursor.v1");

    /// <summary>The cursor of a reader that has seen everything up to <paramref name="position"/>.</summary>
    public string Create(long position)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, position);
        return Base64Url.EncodeToString(protector.Protect(bytes));
    }

    /// <summary>The position a cursor holds; false when it is not one this deployment issued, or was altered.</summary>
    public bool TryRead(string cursor, out long position)
    {
        position = 0;
        try
        {
            var bytes = protector.Unprotect(Base64Url.DecodeFromChars(cursor));
            if (bytes.Length != sizeof(long))
            {
                return false;
            }

            position = BinaryPrimitives.ReadInt64BigEndian(bytes);
            return position >= 0;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return false;
        }
    }
}
