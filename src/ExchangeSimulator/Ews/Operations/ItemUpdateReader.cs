using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>What one Set/Append/DeleteItemField names: a FieldURI or an extended property, and for Set/Append the item holding the value.</summary>
internal sealed record FieldChange(string Action, string? FieldUri, ExtendedFieldUri? ExtendedPath, ItemUpdateContent? Content);

/// <summary>The properties an UpdateItem change's t:Item or t:Message carries, and what else was in it.</summary>
internal sealed record ItemUpdateContent(
    bool HasSubject, string? Subject, bool? IsRead, IReadOnlyList<string>? Categories,
    IReadOnlyList<(ExtendedFieldUri Uri, string[] Values)> ExtendedProperties, IReadOnlyList<string> OtherProperties)
{
    public int PropertyCount =>
        (HasSubject ? 1 : 0) + (IsRead is null ? 0 : 1) + (Categories is null ? 0 : 1) + ExtendedProperties.Count + OtherProperties.Count;
}

/// <summary>
/// Reads the changes of an UpdateItem ItemChange. The simulator updates item:Subject, message:IsRead,
/// item:Categories and extended properties; any other path or item type is refused with a fault naming it, never
/// silently ignored.
/// </summary>
internal static class ItemUpdateReader
{
    private const string T = EwsNamespaces.Types;

    public static readonly string[] SimulatedFieldUris =
        [ItemPropertyUpdate.SubjectKey, ItemPropertyUpdate.IsReadKey, ItemPropertyUpdate.CategoriesKey];

    private static readonly string[] PathNames = ["FieldURI", "IndexedFieldURI", "ExtendedFieldURI", "ExceptionFieldURI"];

    private static readonly string[] ItemElementNames =
    [
        "Item", "Message", "SharingMessage", "CalendarItem", "Contact", "DistributionList", "MeetingMessage", "MeetingRequest",
        "MeetingResponse", "MeetingCancellation", "Task", "PostItem", "RoleMember", "Network", "Person",
    ];

    private static readonly ElementSequence UpdatesSequence = new(T, "Updates",
        Particle.Choice(T, 1, Particle.Unbounded, "AppendToItemField", "SetItemField", "DeleteItemField"));

    private static readonly ElementSequence SetItemFieldSequence = ChangeSequence("SetItemField", withItem: true);
    private static readonly ElementSequence AppendToItemFieldSequence = ChangeSequence("AppendToItemField", withItem: true);
    private static readonly ElementSequence DeleteItemFieldSequence = ChangeSequence("DeleteItemField", withItem: false);

    private static readonly ElementSequence ItemSequence = ContentSequence("Item", MessageReader.ItemTypeElements);
    private static readonly ElementSequence MessageSequence = ContentSequence("Message", [.. MessageReader.ItemTypeElements, .. MessageReader.MessageTypeElements]);
    private static readonly ElementSequence CategoriesSequence = new(T, "Categories", Particle.Many(T, "String"));

    /// <summary>Reads t:Updates (the reader is on it).</summary>
    public static List<FieldChange> ReadUpdates(XmlReader reader)
    {
        var changes = new List<FieldChange>();
        var cursor = UpdatesSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            var action = cursor.LocalName;
            var sequence = action switch
            {
                "SetItemField" => SetItemFieldSequence,
                "AppendToItemField" => AppendToItemFieldSequence,
                _ => DeleteItemFieldSequence,
            };
            changes.Add(ReadChange(reader, action, sequence));
        }

        return changes;
    }

    private static FieldChange ReadChange(XmlReader reader, string action, ElementSequence sequence)
    {
        string? fieldUri = null;
        ExtendedFieldUri? extended = null;
        ItemUpdateContent? content = null;
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 1)
            {
                content = ReadContent(reader, cursor.LocalName);
                continue;
            }

            switch (cursor.LocalName)
            {
                case "FieldURI":
                    fieldUri = StrictXml.RequiredAttribute(reader, "FieldURI");
                    if (!SimulatedFieldUris.Contains(fieldUri))
                    {
                        throw EwsFault.NotSimulated($"UpdateItem on {fieldUri} (only {string.Join(", ", SimulatedFieldUris)} and extended properties are simulated)");
                    }

                    break;
                case "ExtendedFieldURI":
                    extended = ExtendedFieldUri.Read(reader);
                    MapiTags.ThrowIfComputed(extended.Key);
                    break;
                default:
                    throw EwsFault.NotSimulated($"UpdateItem on {cursor.LocalName} paths");
            }

            reader.Skip();
        }

        return new FieldChange(action, fieldUri, extended, content);
    }

    private static ItemUpdateContent ReadContent(XmlReader reader, string elementName)
    {
        var sequence = elementName switch
        {
            "Item" => ItemSequence,
            "Message" => MessageSequence,
            _ => throw EwsFault.NotSimulated($"UpdateItem with t:{elementName} (only t:Item and t:Message are simulated)"),
        };

        var hasSubject = false;
        string? subject = null;
        bool? isRead = null;
        List<string>? categories = null;
        var extended = new List<(ExtendedFieldUri, string[])>();
        var others = new List<string>();
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "Subject":
                    hasSubject = true;
                    subject = StrictXml.ReadText(reader);
                    break;
                case "IsRead":
                    isRead = StrictXml.ReadBooleanText(reader);
                    break;
                case "Categories":
                    categories = [];
                    var strings = CategoriesSequence.Open(reader);
                    while (strings.MoveNext(out _))
                    {
                        categories.Add(StrictXml.ReadText(reader));
                    }

                    break;
                case "ExtendedProperty":
                    extended.Add(MessageReader.ReadExtendedProperty(reader));
                    break;
                default:
                    others.Add(cursor.LocalName);
                    reader.Skip();
                    break;
            }
        }

        return new ItemUpdateContent(hasSubject, subject, isRead, categories, extended, others);
    }

    private static ElementSequence ChangeSequence(string name, bool withItem) => withItem
        ? new(T, name, Particle.Choice(T, 1, 1, PathNames), Particle.Choice(T, 1, 1, ItemElementNames))
        : new(T, name, Particle.Choice(T, 1, 1, PathNames));

    private static ElementSequence ContentSequence(string name, string[] elements) => new(T, name,
        [.. elements.Select(element => element == "ExtendedProperty" ? Particle.Many(T, element) : Particle.Optional(T, element))]);
}
