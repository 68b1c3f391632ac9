using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>The parts of a t:Message the simulator stores.</summary>
internal sealed record MessageContent
{
    public string? ItemClass { get; init; }

    public string? Subject { get; init; }

    public string? Body { get; init; }

    public string BodyType { get; init; } = "Text";

    public bool? IsRead { get; init; }

    public SimulatedRecipient? From { get; init; }

    public IReadOnlyList<SimulatedRecipient> ToRecipients { get; init; } = [];

    public IReadOnlyList<SimulatedRecipient> CcRecipients { get; init; } = [];

    public IReadOnlyList<SimulatedRecipient> BccRecipients { get; init; } = [];

    public Dictionary<ExtendedPropertyKey, string[]> ExtendedProperties { get; init; } = [];

    /// <summary>t:MimeContent as sent (base64); CreateItem parses and stores it.</summary>
    public string? MimeContentBase64 { get; init; }
}

/// <summary>
/// Reads a t:Message against the full ItemType + MessageType sequence, so properties out of schema order fail as
/// they do on Exchange (for example Body before Subject). Properties the simulator does not store are validated
/// for position only and skipped.
/// </summary>
internal static class MessageReader
{
    private const string T = EwsNamespaces.Types;

    internal static readonly string[] ItemTypeElements =
    [
        "MimeContent", "ItemId", "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "Attachments", "DateTimeReceived",
        "Size", "Categories", "Importance", "InReplyTo", "IsSubmitted", "IsDraft", "IsFromMe", "IsResend", "IsUnmodified",
        "InternetMessageHeaders", "DateTimeSent", "DateTimeCreated", "ResponseObjects", "ReminderDueBy", "ReminderIsSet",
        "ReminderNextTime", "ReminderMinutesBeforeStart", "DisplayCc", "DisplayTo", "DisplayBcc", "HasAttachments",
        "ExtendedProperty", "Culture", "EffectiveRights", "LastModifiedName", "LastModifiedTime", "IsAssociated",
        "WebClientReadFormQueryString", "WebClientEditFormQueryString", "ConversationId", "UniqueBody", "Flag", "StoreEntryId",
        "InstanceKey", "NormalizedBody", "EntityExtractionResult", "PolicyTag", "ArchiveTag", "RetentionDate", "Preview",
        "RightsManagementLicenseData", "PredictedActionReasons", "IsClutter", "BlockStatus", "HasBlockedImages", "TextBody",
        "IconIndex", "SearchKey", "SortKey", "Hashtags", "Mentions", "MentionedMe", "MentionsPreview", "MentionsEx",
        "AppliedHashtags", "AppliedHashtagsPreview", "Likes", "LikesPreview", "PendingSocialActivityTagIds", "AtAllMention",
        "CanDelete", "InferenceClassification",
    ];

    internal static readonly string[] MessageTypeElements =
    [
        "Sender", "ToRecipients", "CcRecipients", "BccRecipients", "IsReadReceiptRequested", "IsDeliveryReceiptRequested",
        "ConversationIndex", "ConversationTopic", "From", "InternetMessageId", "IsRead", "IsResponseRequested", "References",
        "ReplyTo", "ReceivedBy", "ReceivedRepresenting", "ApprovalRequestData", "VotingInformation", "ReminderMessageData",
    ];

    private static readonly ElementSequence Sequence = new(T, "Message",
        [.. ItemTypeElements.Concat(MessageTypeElements).Select(name =>
            name == "ExtendedProperty" ? Particle.Many(T, name) : Particle.Optional(T, name))]);

    private static readonly ElementSequence RecipientsSequence = new(T, "ToRecipients", Particle.Many(T, "Mailbox"));

    private static readonly ElementSequence SingleRecipientSequence = new(T, "From", Particle.Required(T, "Mailbox"));

    private static readonly ElementSequence ExtendedPropertySequence = new(T, "ExtendedProperty",
        Particle.Required(T, "ExtendedFieldURI"),
        Particle.Choice(T, 1, 1, "Value", "Values"));

    private static readonly ElementSequence ValuesSequence = new(T, "Values", Particle.Many(T, "Value", minOccurs: 1));

    private static readonly string[] BodyTypes = ["HTML", "Text"];

    public static MessageContent Read(XmlReader reader)
    {
        var content = new MessageContent();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            content = cursor.LocalName switch
            {
                "MimeContent" => content with { MimeContentBase64 = StrictXml.ReadText(reader) },
                "ItemClass" => content with { ItemClass = StrictXml.ReadText(reader) },
                "Subject" => content with { Subject = StrictXml.ReadText(reader) },
                "Body" => ReadBody(reader, content),
                "IsRead" => content with { IsRead = StrictXml.ReadBooleanText(reader) },
                "From" => content with { From = ReadSingleRecipient(reader) },
                "ToRecipients" => content with { ToRecipients = ReadRecipients(reader) },
                "CcRecipients" => content with { CcRecipients = ReadRecipients(reader) },
                "BccRecipients" => content with { BccRecipients = ReadRecipients(reader) },
                "ExtendedProperty" => ReadExtendedProperty(reader, content),
                _ => Skip(reader, content),
            };
        }

        return content;
    }

    /// <summary>Reads a t:ExtendedProperty (URI plus Value or Values) and returns the property and its values.</summary>
    public static (ExtendedFieldUri Uri, string[] Values) ReadExtendedProperty(XmlReader reader)
    {
        ExtendedFieldUri? uri = null;
        var values = new List<string>();
        var cursor = ExtendedPropertySequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "ExtendedFieldURI":
                    uri = ExtendedFieldUri.Read(reader);
                    reader.Skip();
                    break;
                case "Value":
                    values.Add(StrictXml.ReadText(reader));
                    break;
                default:
                    var valuesCursor = ValuesSequence.Open(reader);
                    while (valuesCursor.MoveNext(out _))
                    {
                        values.Add(StrictXml.ReadText(reader));
                    }

                    break;
            }
        }

        return (uri!, [.. values]);
    }

    private static MessageContent ReadBody(XmlReader reader, MessageContent content)
    {
        var bodyType = StrictXml.EnumAttribute(reader, "BodyType", "BodyTypeType", BodyTypes, required: true)!;
        return content with { Body = StrictXml.ReadText(reader), BodyType = bodyType };
    }

    private static MessageContent ReadExtendedProperty(XmlReader reader, MessageContent content)
    {
        var (uri, values) = ReadExtendedProperty(reader);
        content.ExtendedProperties[uri.Key] = values;
        return content;
    }

    private static SimulatedRecipient? ReadSingleRecipient(XmlReader reader)
    {
        SimulatedRecipient? recipient = null;
        var cursor = SingleRecipientSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            recipient = EmailAddressReader.Read(reader);
        }

        return recipient;
    }

    private static List<SimulatedRecipient> ReadRecipients(XmlReader reader)
    {
        var recipients = new List<SimulatedRecipient>();
        var cursor = RecipientsSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            if (EmailAddressReader.Read(reader) is { } recipient)
            {
                recipients.Add(recipient);
            }
        }

        return recipients;
    }

    private static MessageContent Skip(XmlReader reader, MessageContent content)
    {
        reader.Skip();
        return content;
    }
}
