using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// GetAttachment: the whole attachment per id. A FileAttachment carries its Content (base64); an ItemAttachment
/// carries the attached message with every property (as GetItem with AllProperties; BodyType Text unless the
/// AttachmentShape asks otherwise, MimeContent with IncludeMimeContent). An id of an attachment that no longer exists
/// answers ErrorInvalidAttachmentId; one that is not an attachment id, ErrorInvalidIdMalformed.
/// </summary>
internal sealed class GetAttachmentOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "GetAttachment",
        Particle.Optional(M, "AttachmentShape"),
        Particle.Required(M, "AttachmentIds"));

    private static readonly ElementSequence ShapeSequence = new(M, "AttachmentShape",
        Particle.Optional(T, "IncludeMimeContent"),
        Particle.Optional(T, "BodyType"),
        Particle.Optional(T, "FilterHtmlContent"),
        Particle.Optional(T, "AdditionalProperties"));

    private static readonly ElementSequence AdditionalPropertiesSequence = new(T, "AdditionalProperties",
        Particle.Choice(T, 1, Particle.Unbounded, "FieldURI", "IndexedFieldURI", "ExtendedFieldURI", "ExceptionFieldURI"));

    private static readonly ElementSequence IdsSequence = new(M, "AttachmentIds", Particle.Many(T, "AttachmentId", minOccurs: 1));
    private static readonly ElementSequence EmptyContent = new(T, "AttachmentId");
    private static readonly string[] BodyTypes = ["Best", "HTML", "Text"];

    private static readonly ItemError AttachmentNotFound =
        new("ErrorInvalidAttachmentId", "The attachment could not be found.");

    private GetAttachmentOperation(ResponseShape itemShape, IReadOnlyList<string> attachmentIds)
    {
        ItemShape = itemShape;
        AttachmentIds = attachmentIds;
    }

    public override string Name => "GetAttachment";

    /// <summary>How attached items are written: AllProperties plus the shape's MIME, body type and extended properties.</summary>
    public ResponseShape ItemShape { get; }

    public IReadOnlyList<string> AttachmentIds { get; }

    public static GetAttachmentOperation Parse(XmlReader reader)
    {
        var shape = new ResponseShape(BaseShape.AllProperties, new HashSet<string>(), []) { BodyType = "Text" };
        var ids = new List<string>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                shape = ReadShape(reader, shape);
                continue;
            }

            var idsCursor = IdsSequence.Open(reader);
            while (idsCursor.MoveNext(out _))
            {
                ids.Add(StrictXml.RequiredAttribute(reader, "Id"));
                EmptyContent.Open(reader).SkipRemaining();
            }
        }

        return new GetAttachmentOperation(shape, ids);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var id in AttachmentIds)
        {
            var (mailbox, attachment, error) = context.ForcedItemError is { } forced ? (null, null, forced) : Locate(context, id);
            if (error is not null)
            {
                writer.WriteErrorMessage(error, "Attachments");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Attachments", M);
            ItemWriter.WriteAttachment(writer.Xml, attachment!, id, xml =>
            {
                if (attachment!.Embedded is { } embedded)
                {
                    ItemWriter.Write(xml, mailbox!, embedded, ItemShape, summary: false);
                }
                else
                {
                    xml.WriteStartElement("t", "Content", T);
                    var content = attachment.Content.Span;
                    xml.WriteBase64(content.ToArray(), 0, content.Length);
                    xml.WriteEndElement();
                }
            });
            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private static (MailboxStore? Mailbox, MailAttachment? Attachment, ItemError? Error) Locate(EwsExecutionContext context, string id)
    {
        if (!global::ExSync.ExchangeSimulator.AttachmentIds.TryDecode(id, out var mailboxGuid, out var objectNumber, out var position))
        {
            return (null, null, ItemError.InvalidIdMalformed);
        }

        var located = ItemLocator.Locate(context, EwsIdCodec.Encode(EwsIdKind.Item, mailboxGuid, objectNumber));
        if (located.Error is { } error)
        {
            return (null, null, error == ItemError.ItemNotFound ? AttachmentNotFound : error);
        }

        var attachments = located.Item!.Content?.Attachments ?? [];
        return position < attachments.Count ? (located.Mailbox, attachments[position], null) : (null, null, AttachmentNotFound);
    }

    private static ResponseShape ReadShape(XmlReader reader, ResponseShape shape)
    {
        var cursor = ShapeSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "IncludeMimeContent":
                    shape = shape with { IncludeMimeContent = StrictXml.ReadBooleanText(reader) };
                    break;
                case "BodyType":
                    shape = shape with { BodyType = StrictXml.ReadEnumText(reader, "BodyTypeResponseType", BodyTypes) };
                    break;
                case "AdditionalProperties":
                    shape = shape with { ExtendedProperties = ReadExtendedPaths(reader) };
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return shape;
    }

    /// <summary>Attachments are always returned whole, so only extended properties add anything; other paths are refused.</summary>
    private static List<ExtendedFieldUri> ReadExtendedPaths(XmlReader reader)
    {
        var extended = new List<ExtendedFieldUri>();
        var cursor = AdditionalPropertiesSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            if (cursor.LocalName != "ExtendedFieldURI")
            {
                throw ItemProperties.Unsupported($"{cursor.LocalName} {reader.GetAttribute("FieldURI")} in an AttachmentShape");
            }

            var uri = ExtendedFieldUri.Read(reader);
            MapiTags.ThrowIfMistyped(uri.Key);
            extended.Add(uri);
            reader.Skip();
        }

        return extended;
    }
}
