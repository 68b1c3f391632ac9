using System.Globalization;
using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>Turns operation response elements into the public result records.</summary>
internal static partial class EwsResponseParsers
{
    public static GetFolderResponse ParseGetFolder(
        EwsEnvelope envelope, GetFolderRequest request, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var messages = ReadMessages(envelope, "GetFolderResponse", request.Folders.Count);
        var results = new FolderResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            results[i] = message.IsError
                ? new FolderResult(request.Folders[i], null, toError(message))
                : new FolderResult(request.Folders[i], ParseFolder(FirstChild(message.Element.Element(EwsNames.Folders), "Folders")), null);
        }

        return new GetFolderResponse(envelope.ServerVersion, results);
    }

    public static CreateItemResponse ParseCreateItem(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "CreateItemResponse", toError);

        // SendOnly/SendAndSaveCopy return an empty Items element; SaveOnly returns the new item's id.
        var item = message.Element.Element(EwsNames.Items)?.Elements().FirstOrDefault();
        var itemId = item?.Element(EwsNames.ItemId);
        return new CreateItemResponse(envelope.ServerVersion, itemId is null ? null : ReadItemId(itemId));
    }

    public static DeleteItemResponse ParseDeleteItem(
        EwsEnvelope envelope, DeleteItemRequest request, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var messages = ReadMessages(envelope, "DeleteItemResponse", request.Items.Count);
        var results = new ItemResult[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            results[i] = new ItemResult(request.Items[i], messages[i].IsError ? toError(messages[i]) : null);
        }

        return new DeleteItemResponse(envelope.ServerVersion, results);
    }

    public static FindItemResponse ParseFindItem(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "FindItemResponse", toError);
        var root = message.Element.Element(EwsNames.RootFolder)
            ?? throw new EwsResponseFormatException("FindItemResponseMessage has no RootFolder", isNotSoap: false);
        var items = root.Element(EwsNames.TItems)?.Elements().Select(ParseItem).ToArray() ?? [];
        return new FindItemResponse(
            envelope.ServerVersion,
            items,
            ReadInt(root.Attribute("IndexedPagingOffset")),
            ReadInt(root.Attribute("TotalItemsInView")),
            ReadBool((string?)root.Attribute("IncludesLastItemInRange")) ?? true);
    }

    public static SyncFolderItemsResponse ParseSyncFolderItems(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "SyncFolderItemsResponse", toError);
        var syncState = (string?)message.Element.Element(EwsNames.SyncState)
            ?? throw new EwsResponseFormatException("SyncFolderItemsResponseMessage has no SyncState", isNotSoap: false);
        var changes = new List<SyncItemChange>();
        foreach (var change in message.Element.Element(EwsNames.Changes)?.Elements() ?? [])
        {
            changes.Add(ParseChange(change));
        }

        return new SyncFolderItemsResponse(
            envelope.ServerVersion,
            syncState,
            ReadBool((string?)message.Element.Element(EwsNames.IncludesLastItemInRange)) ?? true,
            changes);
    }

    public static UpdateFolderResponse ParseUpdateFolder(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "UpdateFolderResponse", toError);
        var folderId = message.Element.Element(EwsNames.Folders)?.Elements().FirstOrDefault()?.Element(EwsNames.FolderId);
        return new UpdateFolderResponse(
            envelope.ServerVersion,
            folderId is null ? null : new ExplicitFolderId((string?)folderId.Attribute("Id") ?? string.Empty, (string?)folderId.Attribute("ChangeKey")));
    }

    private static IReadOnlyList<EwsResponseMessage> ReadMessages(EwsEnvelope envelope, string expectedResponse, int expectedCount)
    {
        var body = envelope.BodyContent!;
        if (body.Name != EwsNamespaces.M + expectedResponse)
        {
            throw new EwsResponseFormatException($"expected <{expectedResponse}> but got <{body.Name.LocalName}>", isNotSoap: false);
        }

        var messages = EwsResponseReader.ReadResponseMessages(body);
        if (messages.Count != expectedCount)
        {
            throw new EwsResponseFormatException(
                $"{expectedResponse} has {messages.Count} response message(s) for {expectedCount} requested", isNotSoap: false);
        }

        return messages;
    }

    private static EwsResponseMessage Single(EwsEnvelope envelope, string expectedResponse, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = ReadMessages(envelope, expectedResponse, 1)[0];
        if (message.IsError)
        {
            throw new ExchangeException(toError(message));
        }

        return message;
    }

    private static XElement FirstChild(XElement? container, string containerName) =>
        container?.Elements().FirstOrDefault()
        ?? throw new EwsResponseFormatException($"the {containerName} element of a successful response is empty", isNotSoap: false);

    private static EwsFolder ParseFolder(XElement folder)
    {
        var kind = folder.Name.LocalName switch
        {
            "CalendarFolder" => EwsFolderKind.CalendarFolder,
            "ContactsFolder" => EwsFolderKind.ContactsFolder,
            "TasksFolder" => EwsFolderKind.TasksFolder,
            "SearchFolder" => EwsFolderKind.SearchFolder,
            _ => EwsFolderKind.Folder,
        };
        var id = folder.Element(EwsNames.FolderId)
            ?? throw new EwsResponseFormatException($"<{folder.Name.LocalName}> has no FolderId", isNotSoap: false);
        return new EwsFolder
        {
            Kind = kind,
            FolderId = new ExplicitFolderId((string?)id.Attribute("Id") ?? string.Empty, (string?)id.Attribute("ChangeKey")),
            ParentFolderId = (string?)folder.Element(EwsNames.ParentFolderId)?.Attribute("Id"),
            FolderClass = (string?)folder.Element(EwsNames.FolderClass),
            DisplayName = (string?)folder.Element(EwsNames.DisplayName),
            TotalCount = ReadInt(folder.Element(EwsNames.TotalCount)),
            ChildFolderCount = ReadInt(folder.Element(EwsNames.ChildFolderCount)),
            UnreadCount = ReadInt(folder.Element(EwsNames.UnreadCount)),
            ExtendedProperties = ReadExtendedProperties(folder),
        };
    }

    private static ExtendedPropertyValue[] ReadExtendedProperties(XElement folderOrItem) =>
        folderOrItem.Elements(EwsNames.ExtendedProperty).Select(ParseExtendedProperty).OfType<ExtendedPropertyValue>().ToArray();

    internal static ExtendedPropertyValue? ParseExtendedProperty(XElement property)
    {
        var uri = property.Element(EwsNames.ExtendedFieldUri);
        if (uri is null || !Enum.TryParse<MapiPropertyType>((string?)uri.Attribute("PropertyType"), ignoreCase: false, out var type))
        {
            return null;
        }

        ExtendedPropertyDefinition definition;
        var name = (string?)uri.Attribute("PropertyName");
        if (Guid.TryParse((string?)uri.Attribute("PropertySetId"), out var setId) && !string.IsNullOrEmpty(name))
        {
            definition = ExtendedPropertyDefinition.Named(setId, name, type);
        }
        else if (ParseTag((string?)uri.Attribute("PropertyTag")) is { } tag)
        {
            definition = ExtendedPropertyDefinition.Tagged(tag, type);
        }
        else
        {
            return null; // distinguished property sets / numeric ids are not used by ExSync
        }

        var values = property.Element(EwsNames.Values)?.Elements(EwsNames.Value).Select(v => v.Value).ToArray() ?? [];
        return new ExtendedPropertyValue(definition, (string?)property.Element(EwsNames.Value), values);
    }

    private static SyncItemChange ParseChange(XElement change)
    {
        if (change.Name == EwsNames.Delete || change.Name == EwsNames.ReadFlagChange)
        {
            var id = change.Element(EwsNames.ItemId)
                ?? throw new EwsResponseFormatException($"<{change.Name.LocalName}> has no ItemId", isNotSoap: false);
            return new SyncItemChange(
                change.Name == EwsNames.Delete ? SyncChangeKind.Delete : SyncChangeKind.ReadFlagChange,
                ReadItemId(id),
                null,
                change.Name == EwsNames.ReadFlagChange ? ReadBool((string?)change.Element(EwsNames.IsRead)) : null);
        }

        var kind = change.Name == EwsNames.Create ? SyncChangeKind.Create
            : change.Name == EwsNames.Update ? SyncChangeKind.Update
            : throw new EwsResponseFormatException($"unknown change <{change.Name.LocalName}>", isNotSoap: false);
        var item = ParseItem(FirstChild(change, change.Name.LocalName));
        return new SyncItemChange(kind, item.ItemId, item, null);
    }

    private static EwsItem ParseItem(XElement item)
    {
        var id = item.Element(EwsNames.ItemId)
            ?? throw new EwsResponseFormatException($"<{item.Name.LocalName}> has no ItemId", isNotSoap: false);
        return new EwsItem(
            item.Name.LocalName,
            ReadItemId(id),
            (string?)item.Element(EwsNames.Subject),
            (string?)item.Element(EwsNames.ItemClass),
            EwsValues.DateTime((string?)item.Element(EwsNamespaces.T + "DateTimeReceived")))
        {
            ExtendedProperties = ReadExtendedProperties(item),
        };
    }

    private static EwsItemId ReadItemId(XElement itemId) =>
        new((string?)itemId.Attribute("Id") ?? string.Empty, (string?)itemId.Attribute("ChangeKey"));

    private static int? ReadInt(XObject? node)
    {
        var text = node switch
        {
            XElement element => element.Value,
            XAttribute attribute => attribute.Value,
            _ => null,
        };
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static bool? ReadBool(string? text) => text switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    private static int? ParseTag(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var dec) ? dec : null;
    }
}
