using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>The ExchangeImpersonation/ConnectingSID identifier: its element name and value.</summary>
internal readonly record struct ImpersonationTarget(string Kind, string Value);

/// <summary>The SOAP headers the simulator acts on.</summary>
internal sealed class EwsRequestHeader
{
    /// <summary>RequestServerVersion@Version; null when the header is absent (accepted, ews-protocol.md §1.3).</summary>
    public string? RequestServerVersion { get; set; }

    public ImpersonationTarget? Impersonation { get; set; }

    /// <summary>An ExchangeImpersonation header whose ConnectingSID names nobody.</summary>
    public bool ImpersonationIsEmpty { get; set; }
}

/// <summary>What was learned from a request body, including how far parsing got when it failed.</summary>
internal sealed class ParsedEwsRequest
{
    public string? OperationName { get; set; }

    public EwsRequestHeader Header { get; } = new();

    public EwsOperation? Operation { get; set; }

    /// <summary>The first problem found (malformed XML, schema violation, unsupported feature); null when parsing succeeded.</summary>
    public EwsFault? Fault { get; set; }
}

/// <summary>
/// Parses an EWS SOAP request with a streaming XmlReader: envelope, headers, then the single operation element in
/// the messages namespace, each checked against its schema sequence. The operation is chosen by the local name of
/// the first Body child, never by SOAPAction. Unknown SOAP headers (TimeZoneContext, MailboxCulture, …) are ignored.
/// </summary>
internal static class EwsRequestParser
{
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CloseInput = false,
        MaxCharactersInDocument = 32 * 1024 * 1024,
    };

    private static readonly ElementSequence EnvelopeSequence = new(EwsNamespaces.Soap, "Envelope",
        Particle.Optional(EwsNamespaces.Soap, "Header"),
        Particle.Required(EwsNamespaces.Soap, "Body"));

    private static readonly ElementSequence ImpersonationSequence = new(EwsNamespaces.Types, "ExchangeImpersonation",
        Particle.Required(EwsNamespaces.Types, "ConnectingSID"));

    // The schema requires exactly one identifier; an empty ConnectingSID is reported as bad header data, as Exchange does.
    private static readonly ElementSequence ConnectingSidSequence = new(EwsNamespaces.Types, "ConnectingSID",
        Particle.Choice(EwsNamespaces.Types, 0, 1, "PrincipalName", "SID", "PrimarySmtpAddress", "SmtpAddress"));

    private static readonly ElementSequence EmptyContent = new(EwsNamespaces.Types, "RequestServerVersion");

    private static readonly Dictionary<string, Func<XmlReader, EwsOperation>> SimulatedOperations = new(StringComparer.Ordinal)
    {
        ["GetFolder"] = GetFolderOperation.Parse,
        ["CreateItem"] = CreateItemOperation.Parse,
        ["DeleteItem"] = DeleteItemOperation.Parse,
        ["FindItem"] = FindItemOperation.Parse,
        ["SyncFolderItems"] = SyncFolderItemsOperation.Parse,
        ["UpdateFolder"] = UpdateFolderOperation.Parse,
        ["CreateFolder"] = CreateFolderOperation.Parse,
        ["FindFolder"] = FindFolderOperation.Parse,
        ["DeleteFolder"] = DeleteFolderOperation.Parse,
        ["UpdateItem"] = UpdateItemOperation.Parse,
        ["MoveItem"] = MoveCopyItemOperation.ParseMove,
        ["CopyItem"] = MoveCopyItemOperation.ParseCopy,
        ["Subscribe"] = SubscribeOperation.Parse,
        ["GetEvents"] = GetEventsOperation.Parse,
        ["GetStreamingEvents"] = GetStreamingEventsOperation.Parse,
        ["Unsubscribe"] = UnsubscribeOperation.Parse,
        ["GetItem"] = GetItemOperation.Parse,
        ["GetAttachment"] = GetAttachmentOperation.Parse,
        ["ConvertId"] = ConvertIdOperation.Parse,
    };

    /// <summary>Real EWS operations the simulator does not implement: refused with an explicit fault, not a schema error.</summary>
    private static readonly HashSet<string> OtherEwsOperations = new(StringComparer.Ordinal)
    {
        "AddDelegate", "ApplyConversationAction", "ArchiveItem", "CopyFolder", "CreateAttachment",
        "CreateFolderPath", "CreateManagedFolder", "CreateUserConfiguration", "DeleteAttachment",
        "DeleteUserConfiguration", "EmptyFolder", "ExpandDL", "ExportItems", "FindConversation", "FindPeople",
        "GetConversationItems", "GetDelegate", "GetInboxRules", "GetMailTips",
        "GetPasswordExpirationDate", "GetRoomLists", "GetRooms", "GetServerTimeZones", "GetServiceConfiguration",
        "GetSharingFolder", "GetSharingMetadata", "GetUserAvailability", "GetUserConfiguration",
        "GetUserOofSettings", "GetUserPhoto", "MarkAllItemsAsRead", "MarkAsJunk", "MoveFolder", "RefreshSharingFolder",
        "RemoveDelegate", "ResolveNames", "SendItem", "SetUserOofSettings", "SyncFolderHierarchy",
        "UpdateDelegate", "UpdateInboxRules", "UpdateUserConfiguration", "UploadItems",
    };

    /// <summary>Headers defined by EWS; one of these in a namespace other than the exact types URI is a client bug.</summary>
    private static readonly HashSet<string> EwsHeaderNames = new(StringComparer.Ordinal)
    {
        "RequestServerVersion", "ExchangeImpersonation", "SerializedSecurityContext", "MailboxCulture", "TimeZoneContext",
        "DateTimePrecision", "ManagementRole",
    };

    public static ParsedEwsRequest Parse(Stream body)
    {
        var request = new ParsedEwsRequest();
        if (body.Length == 0)
        {
            // A POST without a body (clients that send only a SOAPAction) is an invalid request, not a schema error.
            request.Fault = EwsFault.InvalidRequest();
            return request;
        }

        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            ParseEnvelope(reader, request);
        }
        catch (SchemaViolationException violation)
        {
            request.Fault = EwsFault.SchemaValidation(violation);
        }
        catch (XmlException malformed)
        {
            // Exchange reports XML that is not well-formed as a schema validation failure with the parser's message.
            request.Fault = EwsFault.SchemaValidation(new SchemaViolationException(malformed.Message, malformed.LineNumber, malformed.LinePosition));
        }
        catch (EwsFault fault)
        {
            request.Fault = fault;
        }

        if (request.Fault is not null && request.OperationName is null)
        {
            body.Position = 0;
            request.OperationName = TryFindOperationName(body);
        }

        return request;
    }

    private static void ParseEnvelope(XmlReader reader, ParsedEwsRequest request)
    {
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Envelope" || reader.NamespaceURI != EwsNamespaces.Soap)
        {
            throw StrictXml.Violation(reader, $"The root element must be 'Envelope' in namespace '{EwsNamespaces.Soap}' (SOAP 1.1), not '{reader.LocalName}' in namespace '{reader.NamespaceURI}'.");
        }

        var envelope = EnvelopeSequence.Open(reader);
        while (envelope.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                ParseHeader(reader, request.Header);
            }
            else
            {
                ParseBody(reader, request);
            }
        }
    }

    private static void ParseHeader(XmlReader reader, EwsRequestHeader header)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        reader.Read();
        while (reader.MoveToContent() != XmlNodeType.EndElement)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw StrictXml.Violation(reader, "The SOAP Header cannot contain text.");
            }

            var (ns, name) = (reader.NamespaceURI, reader.LocalName);
            if (ns != EwsNamespaces.Types)
            {
                if (EwsHeaderNames.Contains(name))
                {
                    throw StrictXml.Violation(reader, $"The header '{name}' is in namespace '{ns}'; EWS headers are in namespace '{EwsNamespaces.Types}'.");
                }

                reader.Skip();
                continue;
            }

            switch (name)
            {
                case "RequestServerVersion":
                    header.RequestServerVersion = StrictXml.RequiredAttribute(reader, "Version");
                    EmptyContent.Open(reader).SkipRemaining();
                    break;
                case "ExchangeImpersonation":
                    ParseImpersonation(reader, header);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        reader.Read();
    }

    private static void ParseImpersonation(XmlReader reader, EwsRequestHeader header)
    {
        var impersonation = ImpersonationSequence.Open(reader);
        while (impersonation.MoveNext(out _))
        {
            var connectingSid = ConnectingSidSequence.Open(reader);
            while (connectingSid.MoveNext(out _))
            {
                var kind = connectingSid.LocalName;
                var value = StrictXml.ReadText(reader).Trim();
                if (value.Length > 0)
                {
                    header.Impersonation = new ImpersonationTarget(kind, value);
                }
            }

            header.ImpersonationIsEmpty = header.Impersonation is null;
        }
    }

    private static void ParseBody(XmlReader reader, ParsedEwsRequest request)
    {
        if (reader.IsEmptyElement)
        {
            throw EwsFault.InvalidRequest();
        }

        reader.Read();
        var operations = 0;
        while (reader.MoveToContent() != XmlNodeType.EndElement)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw StrictXml.Violation(reader, $"The element 'Body' in namespace '{EwsNamespaces.Soap}' cannot contain text.");
            }

            var (ns, name) = (reader.NamespaceURI, reader.LocalName);
            request.OperationName ??= name;
            if (++operations > 1 || ns != EwsNamespaces.Messages ||
                (!SimulatedOperations.ContainsKey(name) && !OtherEwsOperations.Contains(name)))
            {
                throw StrictXml.Violation(reader,
                    $"The element 'Body' in namespace '{EwsNamespaces.Soap}' has invalid child element '{name}' in namespace '{ns}'. List of possible elements expected: an EWS operation in namespace '{EwsNamespaces.Messages}'.");
            }

            if (!SimulatedOperations.TryGetValue(name, out var parse))
            {
                throw EwsFault.NotSimulated($"the {name} operation");
            }

            request.Operation = parse(reader);
        }

        if (operations == 0)
        {
            throw EwsFault.InvalidRequest();
        }

        reader.Read();
    }

    /// <summary>Best-effort: the local name of the first Body child, for counting requests that failed to parse.</summary>
    private static string? TryFindOperationName(Stream body)
    {
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            var inBody = false;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                if (inBody)
                {
                    return reader.LocalName;
                }

                inBody = reader.LocalName == "Body" && reader.NamespaceURI == EwsNamespaces.Soap && !reader.IsEmptyElement;
            }
        }
        catch (XmlException)
        {
            // Malformed before the operation element: nothing to learn.
        }

        return null;
    }
}
