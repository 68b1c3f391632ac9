using System.Text;
using Microsoft.Net.Http.Headers;

namespace ExSync.Api.Emails;

/// <summary>
/// Serving attachments safely: their names and media types come from whoever sent the email. The content is always a download
/// (Content-Disposition: attachment), never sniffed into another type, and sandboxed should a browser render it anyway; a media type
/// or a name that would not make a valid header is replaced rather than trusted.
/// </summary>
internal static class AttachmentDownload
{
    private const string Fallback = "application/octet-stream";

    /// <summary>The media type to send: the stored one when it is a valid media type, application/octet-stream otherwise.</summary>
    public static string ContentType(string stored) =>
        !stored.Any(char.IsControl) && MediaTypeHeaderValue.TryParse(stored, out var parsed) && parsed.MediaType.HasValue && !parsed.MediaType.Value!.Contains('*', StringComparison.Ordinal)
            ? parsed.ToString()
            : Fallback;

    /// <summary>
    /// The download name: the stored one without control characters, path separators or quotes; "attachment" when nothing is left.
    /// (The framework writes it both as an ASCII filename and as a UTF-8 filename*.)
    /// </summary>
    public static string FileName(string stored)
    {
        var name = new StringBuilder(stored.Length);
        foreach (var c in stored)
        {
            name.Append(char.IsControl(c) || c is '/' or '\\' or '"' or ':' ? '_' : c);
        }

        var cleaned = name.ToString().Trim().Trim('.');
        return cleaned.Length == 0 ? "attachment" : cleaned;
    }

    /// <summary>Headers that keep a browser from treating the bytes as anything but a file.</summary>
    public static void SecureHeaders(HttpResponse response, long size)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        response.ContentLength = size;
    }
}
