using System.Text;

namespace ExSync.Domain.Emails;

/// <summary>
/// The normalization of Internet Message-IDs (RFC 5322 §3.6.4), under which an email is one activity per deployment however many
/// mailboxes received it, and by which replies find the email they answer (In-Reply-To, References). The rule:
/// <list type="number">
/// <item>take what lies between the first <c>&lt;</c> and the next <c>&gt;</c> (the whole value when there are no angle brackets);</item>
/// <item>remove whitespace (headers may be folded inside an id);</item>
/// <item>lower-case the part after the last <c>@</c> (a domain, compared ignoring case) and keep the part before it as it is (RFC 5322
/// does not make it case-insensitive, and generators do use case);</item>
/// <item>an empty result, a result longer than <see cref="MaxLength"/> characters, or one with control characters is no Message-ID.</item>
/// </list>
/// So <c>" &lt;CAF=12ab@Mail.Contoso.COM&gt; "</c> becomes <c>CAF=12ab@mail.contoso.com</c>.
/// </summary>
public static class MessageIds
{
    /// <summary>Longest normalized Message-ID: the 998 characters of a header line, less the angle brackets and a space.</summary>
    public const int MaxLength = 995;

    /// <summary>The normalized form of one Message-ID, or null when <paramref name="value"/> holds none.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var open = value.IndexOf('<', StringComparison.Ordinal);
        var inner = value;
        if (open >= 0)
        {
            var close = value.IndexOf('>', open + 1);
            inner = close < 0 ? value[(open + 1)..] : value[(open + 1)..close];
        }

        var compact = new StringBuilder(inner.Length);
        foreach (var c in inner)
        {
            if (char.IsControl(c) && !char.IsWhiteSpace(c))
            {
                return null;
            }

            if (!char.IsWhiteSpace(c))
            {
                compact.Append(c);
            }
        }

        if (compact.Length is 0 or > MaxLength)
        {
            return null;
        }

        var id = compact.ToString();
        var at = id.LastIndexOf('@');
        return at < 0 ? id : string.Concat(id.AsSpan(0, at + 1), id[(at + 1)..].ToLowerInvariant());
    }

    /// <summary>
    /// Every Message-ID of a header that lists several (References, and In-Reply-To, which may), normalized, in order, without repeats.
    /// Ids are read between angle brackets; a header without any is read as ids separated by whitespace or commas.
    /// </summary>
    public static IReadOnlyList<string> ParseAll(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return [];
        }

        IEnumerable<string> tokens = header.Contains('<', StringComparison.Ordinal)
            ? header.Split('<', StringSplitOptions.RemoveEmptyEntries).Where(t => t.Contains('>', StringComparison.Ordinal)).Select(t => "<" + t)
            : header.Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries);
        return tokens.Select(Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }
}
