using System.Globalization;

namespace ExSync.ExchangeSimulator;

/// <summary>Checks a mailbox's scenario messages and generated-message settings, naming each problem's place.</summary>
internal static class ScenarioMessageValidation
{
    /// <summary>Generated and attachment sizes above SMTP's default limit would be messages no Exchange accepts.</summary>
    private const long MaxBytes = SmtpListener.DefaultMaxMessageBytes;

    private const int MaxGeneratedPerMailbox = 1_000_000;

    public static void Validate(ScenarioMailbox mailbox, List<string> problems)
    {
        var owner = mailbox.SmtpAddress;
        for (var index = 0; index < mailbox.Messages.Count; index++)
        {
            ValidateMessage(mailbox.Messages[index], string.Create(CultureInfo.InvariantCulture, $"mailbox {owner}: messages[{index}]"), problems);
        }

        if (mailbox.GeneratedMessages is { } generated)
        {
            var where = $"mailbox {owner}: generatedMessages";
            ValidateFolder(generated.Folder, where, problems);
            if (generated.Count is < 0 or > MaxGeneratedPerMailbox)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}.count must be between 0 and {MaxGeneratedPerMailbox}."));
            }

            if (generated.BodySizeBytes < 0 || generated.BodySizeBytes > MaxBytes || generated.AttachmentSizeBytes < 0 || generated.AttachmentSizeBytes > MaxBytes)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: bodySizeBytes and attachmentSizeBytes must be between 0 and {MaxBytes}."));
            }

            if (generated.AttachmentEvery < 0)
            {
                problems.Add($"{where}.attachmentEvery must not be negative.");
            }

            if (string.IsNullOrWhiteSpace(generated.From) || !generated.From.Contains('@', StringComparison.Ordinal))
            {
                problems.Add($"{where}.from '{generated.From}' is not an address.");
            }
        }
    }

    private static void ValidateMessage(ScenarioMessage message, string where, List<string> problems)
    {
        ValidateFolder(message.Folder, where, problems);
        if (message.Mime is not null)
        {
            var alsoGiven = message.From is not null || message.To.Count > 0 || message.Cc.Count > 0 || message.Subject is not null ||
                            message.Body is not null || message.HtmlBody is not null || message.MessageId is not null || message.InReplyTo is not null ||
                            message.References.Count > 0 || message.Headers.Count > 0 || message.Attachments.Count > 0 || message.SentAt is not null;
            if (alsoGiven)
            {
                problems.Add($"{where}: mime gives the whole message; only folder, receivedAt and isRead may go with it.");
            }

            return;
        }

        foreach (var address in message.To.Concat(message.Cc).Append(message.From).OfType<string>())
        {
            if (!address.Contains('@', StringComparison.Ordinal))
            {
                problems.Add($"{where}: '{address}' is not an address.");
            }
        }

        for (var index = 0; index < message.Attachments.Count; index++)
        {
            var attachment = message.Attachments[index];
            var at = string.Create(CultureInfo.InvariantCulture, $"{where}.attachments[{index}]");
            var contents = (attachment.Content is null ? 0 : 1) + (attachment.ContentBase64 is null ? 0 : 1) + (attachment.SizeBytes is null ? 0 : 1);
            if (string.IsNullOrWhiteSpace(attachment.Name))
            {
                problems.Add($"{at} needs a name.");
            }

            if (contents != 1)
            {
                problems.Add($"{at} needs exactly one of content, contentBase64 and sizeBytes.");
            }

            if (attachment.SizeBytes is < 0 or > (int)MaxBytes)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}.sizeBytes must be between 0 and {MaxBytes}."));
            }

            if (attachment.ContentBase64 is { } base64 && !IsBase64(base64))
            {
                problems.Add($"{at}.contentBase64 is not base64.");
            }

            if (!MimeKit.ContentType.TryParse(attachment.ContentType, out _))
            {
                problems.Add($"{at}.contentType '{attachment.ContentType}' is not a MIME type.");
            }
        }
    }

    private static void ValidateFolder(string folder, string where, List<string> problems)
    {
        if (!SimulatedFolderNames.TryParseDistinguishedId(folder, out _))
        {
            problems.Add($"{where}.folder '{folder}' is not a simulated distinguished folder id ({string.Join(", ", SimulatedFolderNames.AllDistinguishedIds)}).");
        }
    }

    private static bool IsBase64(string value)
    {
        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }
}
