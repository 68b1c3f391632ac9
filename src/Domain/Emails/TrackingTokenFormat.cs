using System.Globalization;
using System.Text.RegularExpressions;

namespace ExSync.Domain.Emails;

/// <summary>
/// The tracking token ExSync puts in the subject of the email it sends, by which replies are tied to it even when their mail client
/// dropped the In-Reply-To and References headers: an opening bracket, the organization's prefix, a number of exactly
/// <see cref="Digits"/> digits (zero-padded) and a closing bracket, e.g. <c>[CRM:0001234]</c> with the defaults (prefix
/// <c>CRM:</c>, 7 digits). The prefix is found ignoring case, since some mail clients change it.
/// </summary>
/// <param name="Prefix">The organization's prefix (1 to 20 characters, no brackets, no surrounding whitespace).</param>
/// <param name="Digits">How many digits the number has (4 to 12).</param>
public sealed record TrackingTokenFormat(string Prefix, int Digits)
{
    /// <summary>The largest number a token of this format holds.</summary>
    public long MaxNumber => (long)Math.Pow(10, Digits) - 1;

    /// <summary>The token for <paramref name="number"/> (0 to <see cref="MaxNumber"/>).</summary>
    public string Format(long number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, MaxNumber);
        return $"[{Prefix}{number.ToString(CultureInfo.InvariantCulture).PadLeft(Digits, '0')}]";
    }

    /// <summary>
    /// The last token of this format in <paramref name="subject"/> (tokens go at the end of subjects, after any "RE:" the thread
    /// gathered at the start), in its canonical form — the prefix as configured; null when there is none.
    /// </summary>
    public string? FindIn(string? subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        // The static Match keeps the parsed pattern in Regex's cache: a cycle looks at every subject it takes in, and an organization
        // has one format.
        var match = Regex.Match(
            subject,
            $@"\[{Regex.Escape(Prefix)}([0-9]{{{Digits}}})\]",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.RightToLeft,
            TimeSpan.FromSeconds(1));
        return match.Success ? $"[{Prefix}{match.Groups[1].Value}]" : null;
    }
}
