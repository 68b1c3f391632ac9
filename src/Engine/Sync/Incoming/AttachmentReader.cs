using ExSync.Domain.Emails;
using ExSync.Exchange;
using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>
/// Reads the attachments of a message to track, up to the organization's maximum attachment size; larger ones, and kinds ExSync does not
/// keep (links to files elsewhere), are recorded as skipped with a reason. One GetAttachment call per message.
/// </summary>
internal sealed class AttachmentReader(IEwsClient ews)
{
    public async Task<IReadOnlyList<IncomingAttachment>> ReadAsync(IncomingRun run, EwsMessage message, CancellationToken cancellationToken)
    {
        if (message.Attachments.Count == 0)
        {
            return [];
        }

        var limit = run.Cycle.Organization.MaxAttachmentSizeBytes;
        var wanted = message.Attachments
            .Where(a => a.Kind != EwsAttachmentKind.Reference && limit > 0 && (a.Size ?? 0) <= limit)
            .Select(a => a.AttachmentId)
            .ToList();
        var read = new Dictionary<string, AttachmentResult>(StringComparer.Ordinal);
        if (wanted.Count > 0)
        {
            var response = await ews.GetAttachmentsAsync(run.Target, new GetAttachmentsRequest { AttachmentIds = wanted, MaxContentBytes = limit }, cancellationToken);
            foreach (var result in response.Attachments)
            {
                read[result.AttachmentId] = result;
            }
        }

        return message.Attachments.Select(a => Attachment(a, read.GetValueOrDefault(a.AttachmentId), limit)).ToList();
    }

    private static IncomingAttachment Attachment(EwsAttachmentInfo info, AttachmentResult? result, long limit)
    {
        var name = string.IsNullOrWhiteSpace(info.Name) ? "attachment" : info.Name;
        var contentType = string.IsNullOrWhiteSpace(info.ContentType) ? "application/octet-stream" : info.ContentType;
        var size = info.Size ?? 0;
        IncomingAttachment Skip(AttachmentSkipReason reason) => IncomingAttachment.Skip(name, contentType, size, reason, info.ContentId, info.IsInline ?? false);

        if (info.Kind == EwsAttachmentKind.Reference)
        {
            return Skip(AttachmentSkipReason.NotSupported);
        }

        if (limit <= 0)
        {
            return Skip(AttachmentSkipReason.AttachmentsNotKept);
        }

        if (result is null || size > limit)
        {
            return Skip(AttachmentSkipReason.TooLarge);
        }

        if (result.Error is { } error)
        {
            return Skip(error.Code == ExchangeErrorCodes.AttachmentTooLarge ? AttachmentSkipReason.TooLarge : AttachmentSkipReason.Unreadable);
        }

        var attachment = result.Attachment!;
        return attachment switch
        {
            { Content: { } bytes } => IncomingAttachment.Kept(name, contentType, bytes, info.ContentId, info.IsInline ?? false),

            // An attached message is kept as the .eml file a mail client would save.
            { Item.MimeContent: { } mime } => IncomingAttachment.Kept(name.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) ? name : name + ".eml", "message/rfc822", mime.Content),
            _ => Skip(AttachmentSkipReason.Unreadable),
        };
    }
}
