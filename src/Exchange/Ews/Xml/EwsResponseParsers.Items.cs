using System.Xml;
using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>An attachment read from a GetAttachment stream, or why its content was dropped.</summary>
internal sealed record AttachmentPayload(EwsAttachmentContent? Attachment, bool TooLarge, bool Malformed);

/// <summary>Item and folder operations of the synchronization engine.</summary>
internal static partial class EwsResponseParsers
{
    /// <summary>The m:Items payload of a GetItem response message: the item elements, each read as it arrives.</summary>
    private static async Task<IReadOnlyList<EwsMessage>> ReadItemsAsync(XmlReader reader, long maxMimeBytes, BoundedResponseStream? counter)
    {
        var items = new List<EwsMessage>(1);
        await EwsStreamingReader.ForEachChildAsync(
            reader, async () => items.Add(await EwsStreamingReader.ReadItemAsync(reader, maxMimeBytes, counter).ConfigureAwait(false)))
            .ConfigureAwait(false);
        return items;
    }

    /// <summary>The m:Attachments payload of a GetAttachment response message (one attachment per message).</summary>
    private static async Task<AttachmentPayload> ReadAttachmentsAsync(XmlReader reader, long maxContentBytes, BoundedResponseStream? counter)
    {
        AttachmentPayload? first = null;
        await EwsStreamingReader.ForEachChildAsync(reader, async () =>
        {
            var attachment = await ReadAttachmentAsync(reader, maxContentBytes, counter).ConfigureAwait(false);
            first ??= attachment;
        }).ConfigureAwait(false);
        return first ?? new AttachmentPayload(null, false, Malformed: true);
    }

    /// <summary>Reads a streamed GetItem response into per-item results (a SOAP fault is raised as its classified error).</summary>
    public static async Task<GetMessagesResponse> ReadGetItemAsync(BoundedResponseStream body, GetMessagesRequest request, ErrorContext context)
    {
        var envelope = await EwsStreamingReader.ReadAsync(
            body, "GetItemResponse", "Items", reader => ReadItemsAsync(reader, request.MaxMimeContentBytes, body)).ConfigureAwait(false);
        return ToMessagesResponse(envelope, request, ErrorsOf(envelope.Fault, envelope.ServerVersion, context), detail => ExchangeErrors.MalformedResponse(context, detail, 200));
    }

    /// <summary>Reads a streamed GetAttachment response into per-attachment results.</summary>
    public static async Task<GetAttachmentsResponse> ReadGetAttachmentAsync(BoundedResponseStream body, GetAttachmentsRequest request, ErrorContext context)
    {
        var envelope = await EwsStreamingReader.ReadAsync(
            body, "GetAttachmentResponse", "Attachments", reader => ReadAttachmentsAsync(reader, request.MaxContentBytes, body)).ConfigureAwait(false);
        return ToAttachmentsResponse(
            envelope, request, ErrorsOf(envelope.Fault, envelope.ServerVersion, context),
            detail => ExchangeErrors.MalformedResponse(context, detail, 200),
            () => ExchangeErrors.AttachmentTooLarge(context, request.MaxContentBytes));
    }

    private static GetMessagesResponse ToMessagesResponse(
        StreamedEnvelope<IReadOnlyList<EwsMessage>> envelope, GetMessagesRequest request, Func<EwsResponseMessage, ExchangeError> toError,
        Func<string, ExchangeError> malformed)
    {
        var messages = ExpectCount(envelope, request.Items.Count, "GetItemResponse");
        var results = new MessageResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var (status, items) = (messages[i].Status, messages[i].Payload);
            results[i] = status.IsError ? new MessageResult(request.Items[i], null, toError(status))
                : items is [var message, ..] ? new MessageResult(request.Items[i], message, null)
                : new MessageResult(request.Items[i], null, malformed("a successful GetItem response message holds no item"));
        }

        return new GetMessagesResponse(envelope.ServerVersion, results);
    }

    private static GetAttachmentsResponse ToAttachmentsResponse(
        StreamedEnvelope<AttachmentPayload> envelope, GetAttachmentsRequest request, Func<EwsResponseMessage, ExchangeError> toError,
        Func<string, ExchangeError> malformed, Func<ExchangeError> tooLarge)
    {
        var messages = ExpectCount(envelope, request.AttachmentIds.Count, "GetAttachmentResponse");
        var results = new AttachmentResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var (status, payload) = (messages[i].Status, messages[i].Payload);
            var id = request.AttachmentIds[i];
            results[i] = status.IsError ? new AttachmentResult(id, null, toError(status))
                : payload is { TooLarge: true } ? new AttachmentResult(id, null, tooLarge())
                : payload is { Attachment: { } attachment, Malformed: false } ? new AttachmentResult(id, attachment, null)
                : new AttachmentResult(id, null, malformed("the attachment's content is missing or not base64"));
        }

        return new GetAttachmentsResponse(envelope.ServerVersion, results);
    }

    public static UpdateItemsResponse ParseUpdateItem(EwsEnvelope envelope, UpdateItemsRequest request, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var messages = ReadMessages(envelope, "UpdateItemResponse", request.Items.Count);
        var results = new UpdatedItemResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var requested = request.Items[i].Item;
            results[i] = messages[i].IsError
                ? new UpdatedItemResult(requested, null, toError(messages[i]))
                : new UpdatedItemResult(requested, FirstItemId(messages[i]), null);
        }

        return new UpdateItemsResponse(envelope.ServerVersion, results);
    }

    public static MoveItemsResponse ParseMoveItem(EwsEnvelope envelope, MoveItemsRequest request, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var messages = ReadMessages(envelope, "MoveItemResponse", request.Items.Count);
        var results = new MovedItemResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            results[i] = messages[i].IsError
                ? new MovedItemResult(request.Items[i], null, toError(messages[i]))
                : new MovedItemResult(request.Items[i], FirstItemId(messages[i]), null);
        }

        return new MoveItemsResponse(envelope.ServerVersion, results);
    }

    public static FindFolderResponse ParseFindFolder(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "FindFolderResponse", toError);
        var root = message.Element.Element(EwsNames.RootFolder)
            ?? throw new EwsResponseFormatException("FindFolderResponseMessage has no RootFolder", isNotSoap: false);
        var folders = root.Element(EwsNames.TFolders)?.Elements().Where(f => f.Element(EwsNames.FolderId) is not null).Select(ParseFolder).ToArray() ?? [];
        return new FindFolderResponse(envelope.ServerVersion, folders, ReadBool((string?)root.Attribute("IncludesLastItemInRange")) ?? true);
    }

    public static CreateFolderResponse ParseCreateFolder(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "CreateFolderResponse", toError);
        var folderId = message.Element.Element(EwsNames.Folders)?.Elements().FirstOrDefault()?.Element(EwsNames.FolderId);
        return (string?)folderId?.Attribute("Id") is { Length: > 0 } id
            ? new CreateFolderResponse(envelope.ServerVersion, new ExplicitFolderId(id, (string?)folderId.Attribute("ChangeKey")))
            : throw new EwsResponseFormatException("CreateFolderResponseMessage has no FolderId", isNotSoap: false);
    }

    /// <summary>The per-item error mapper of a streamed response, after raising its SOAP fault if it had one.</summary>
    private static Func<EwsResponseMessage, ExchangeError> ErrorsOf(SoapFault? fault, ExchangeServerVersion? version, ErrorContext context) =>
        fault is not null
            ? throw new ExchangeException(ExchangeErrorClassifier.FromFault(fault, context, 200, version))
            : message => ExchangeErrorClassifier.FromResponseMessage(message, context, version);

    private static EwsItemId? FirstItemId(EwsResponseMessage message) =>
        message.Element.Element(EwsNames.Items)?.Elements().FirstOrDefault() is { } item ? EwsValues.ItemIdOf(item) : null;

    private static IReadOnlyList<StreamedMessage<TPayload>> ExpectCount<TPayload>(StreamedEnvelope<TPayload> envelope, int expected, string name) =>
        envelope.Messages.Count == expected
            ? envelope.Messages
            : throw new EwsResponseFormatException($"{name} has {envelope.Messages.Count} response message(s) for {expected} requested", isNotSoap: false);

    private static async Task<AttachmentPayload> ReadAttachmentAsync(XmlReader reader, long maxContentBytes, BoundedResponseStream? counter)
    {
        var kind = MessageBuilder.AttachmentKind(EwsNamespaces.T + reader.LocalName);
        var shell = new XElement(EwsNamespaces.T + reader.LocalName);
        byte[]? content = null;
        EwsMessage? item = null;
        bool tooLarge = false, malformed = false;
        await EwsStreamingReader.ForEachChildAsync(reader, async () =>
        {
            if (reader.NamespaceURI == EwsNamespaces.Types && reader.LocalName == "Content")
            {
                var value = await EwsStreamingReader.ReadBase64Async(reader, maxContentBytes, counter).ConfigureAwait(false);
                (content, tooLarge, malformed) = (value.Bytes, value.TooLarge, value.Malformed);
            }
            else if (kind == EwsAttachmentKind.Item && reader.NamespaceURI == EwsNamespaces.Types && !AttachmentProperties.Contains(reader.LocalName))
            {
                item = await EwsStreamingReader.ReadItemAsync(reader, maxContentBytes, counter).ConfigureAwait(false);
                tooLarge = item.MimeContentTooLarge;
            }
            else
            {
                shell.Add(await XNode.ReadFromAsync(reader, default).ConfigureAwait(false));
            }
        }).ConfigureAwait(false);

        if (kind is null || MessageBuilder.ReadAttachmentInfo(shell) is not { } info)
        {
            return new AttachmentPayload(null, false, Malformed: true);
        }

        return new AttachmentPayload(
            new EwsAttachmentContent
            {
                Kind = info.Kind,
                AttachmentId = info.AttachmentId,
                Name = info.Name,
                ContentType = info.ContentType,
                ContentId = info.ContentId,
                IsInline = info.IsInline,
                Content = info.Kind == EwsAttachmentKind.File ? content : null,
                Item = item,
            },
            tooLarge,
            info.Kind == EwsAttachmentKind.File && (malformed || content is null) && !tooLarge);
    }

    /// <summary>The children of types.xsd AttachmentType; any other child of an item attachment is the attached item.</summary>
    private static readonly HashSet<string> AttachmentProperties =
        ["AttachmentId", "Name", "ContentType", "ContentId", "ContentLocation", "AttachmentOriginalUrl", "Size", "LastModifiedTime", "IsInline", "IsContactPhoto"];
}
