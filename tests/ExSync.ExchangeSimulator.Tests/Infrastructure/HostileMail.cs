using System.Text;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>
/// SMTP DATA payloads (terminated by CRLF.CRLF) that break naive mail handling: malformed MIME, huge headers,
/// thousands of recipients, bad charsets and control characters, deep nesting, oversize attachments, endless lines.
/// </summary>
internal static class HostileMail
{
    public const string OverTheLimit = "attachment far over the size limit";

    public static readonly string[] Names =
    [
        "malformed MIME", "huge header", "thousands of recipients", "bad charsets", "deeply nested multiparts", OverTheLimit,
        "a line without line breaks", "empty message",
    ];

    public static byte[] Build(string name)
    {
        var data = new MemoryStream();
        void Text(string text) => data.Write(Encoding.ASCII.GetBytes(text));
        switch (name)
        {
            case "malformed MIME":
                data.Write([0x00, 0x01, 0x02]);
                Text(" not a header\r\nContent-Type: multipart/mixed; boundary=\"never-closed\"\r\nContent-Transfer-Encoding: base64\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
                data.Write(Garbage(64 * 1024));
                Text("\r\n--not-the-boundary--\r\n");
                break;
            case "huge header":
                Text("Subject: " + new string('h', 2 * 1024 * 1024) + "\r\nX-Folded: start");
                for (var folded = 0; folded < 50_000; folded++)
                {
                    Text("\r\n continued");
                }

                Text("\r\n\r\nbody\r\n");
                break;
            case "thousands of recipients":
                Text("Subject: many recipients\r\nTo: " + string.Join(",\r\n ", Enumerable.Range(0, 5000).Select(index => $"Person {index} <person{index}@example.org>")) + "\r\n\r\nbody\r\n");
                break;
            case "bad charsets":
                Text("Subject: =?x-bogus?B?//79?= ");
                data.Write([0x01, 0xE9, 0xFF, 0x0B]);
                Text("\r\nFrom: =?utf-8?Q?=FF=FE?= <bad@example.org>\r\nContent-Type: text/plain; charset=\"x-no-such-charset\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
                data.Write([0xC3, 0x28, 0xFF, 0xFE, 0x00, 0x08]);
                Text("\r\n");
                break;
            case "deeply nested multiparts":
                Text("Subject: nested\r\nMIME-Version: 1.0\r\n");
                const int depth = 2000;
                for (var level = 0; level < depth; level++)
                {
                    Text($"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n");
                }

                Text("Content-Type: text/plain\r\n\r\ninnermost\r\n");
                for (var level = depth - 1; level >= 0; level--)
                {
                    Text($"--b{level}--\r\n");
                }

                break;
            case OverTheLimit:
                Text("Subject: huge attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--x\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
                var line = Encoding.ASCII.GetBytes(new string('A', 76) + "\r\n");
                for (var written = 0L; written < 36L * 1024 * 1024; written += line.Length)
                {
                    data.Write(line);
                }

                Text("--x--\r\n");
                break;
            case "a line without line breaks":
                Text("Subject: one long line\r\n\r\n" + new string('w', 5 * 1024 * 1024) + "\r\n");
                break;
            case "empty message":
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown hostile message.");
        }

        Text(".\r\n");
        return data.ToArray();
    }

    /// <summary>Deterministic binary noise with no line that starts with a dot.</summary>
    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        var state = 12345u;
        for (var index = 0; index < length; index++)
        {
            state = state * 1103515245 + 12345;
            var value = (byte)(state >> 16);
            bytes[index] = value is (byte)'.' or (byte)'\n' ? (byte)'x' : value;
        }

        return bytes;
    }
}
