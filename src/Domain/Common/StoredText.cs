namespace ExSync.Domain.Common;

/// <summary>Text taken from outside (mail headers and bodies) made storable on every supported database.</summary>
public static class StoredText
{
    /// <summary>
    /// Replaces NUL characters with U+FFFD. PostgreSQL cannot store NUL in text, and mail is not ExSync's to refuse: a message whose
    /// subject or body carries one is stored with the replacement character instead.
    /// </summary>
    public static string Clean(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    /// <summary>Cleans <paramref name="value"/> and cuts it to at most <paramref name="maxLength"/> characters, never inside a surrogate pair.</summary>
    public static string CleanAndTruncate(string value, int maxLength)
    {
        var clean = Clean(value);
        if (clean.Length <= maxLength)
        {
            return clean;
        }

        var length = char.IsHighSurrogate(clean[maxLength - 1]) ? maxLength - 1 : maxLength;
        return clean[..length];
    }
}
