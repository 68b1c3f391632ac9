using MimeKit;

namespace ExSync.ExchangeSimulator;

/// <summary>How the simulator writes MIME: CRLF line ends as RFC 5322 requires (MimeKit's default is the platform's, LF on Linux).</summary>
internal static class MimeFormat
{
    public static readonly FormatOptions Crlf = CreateCrlf();

    public static byte[] ToBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(Crlf, stream);
        return stream.ToArray();
    }

    private static FormatOptions CreateCrlf()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
