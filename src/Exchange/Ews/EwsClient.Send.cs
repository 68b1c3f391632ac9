using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Ews;

/// <summary>Sending composed messages.</summary>
internal sealed partial class EwsClient
{
    public Task<SendMessageResponse> SendMessageAsync(EwsTarget target, SendMessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MimeContent.IsEmpty)
        {
            throw new ArgumentException("The MIME content of the message is empty.", nameof(request));
        }

        ArgumentNullException.ThrowIfNull(request.SavedItemFolder, nameof(request));
        foreach (var recipient in request.ToRecipients.Concat(request.CcRecipients).Concat(request.BccRecipients))
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(recipient?.EmailAddress, nameof(request));
        }

        // Not idempotent: a second CreateItem is a second email in the recipients' inboxes. Only failures where Exchange certainly
        // did not process the request are retried; anything else reaches the caller, with OutcomeUnknown when it may have been sent.
        return ExecuteAsync(target, "CreateItem", idempotent: false, request, EwsRequestWriter.WriteSendMessage,
            static (envelope, _, toError) => new SendMessageResponse(EwsResponseParsers.ParseCreateItem(envelope, toError).ServerVersion),
            cancellationToken);
    }
}
