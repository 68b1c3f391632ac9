using System.Buffers;
using System.Xml;
using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>One response message read from a stream: its status and, when successful, its payload.</summary>
internal sealed record StreamedMessage<TPayload>(EwsResponseMessage Status, TPayload? Payload);

/// <summary>A streamed operation response: the server version and either a SOAP fault or the response messages.</summary>
internal sealed record StreamedEnvelope<TPayload>(
    ExchangeServerVersion? ServerVersion, SoapFault? Fault, IReadOnlyList<StreamedMessage<TPayload>> Messages);

/// <summary>
/// Reads an EWS response while it arrives, for operations whose items can be large (GetItem with MIME, GetAttachment): the
/// envelope and each response message are walked with an async <see cref="XmlReader"/>, small parts are loaded as little trees,
/// and base64 values are decoded in chunks under a cap (<see cref="ReadBase64Async"/>), so no response is ever held whole.
/// </summary>
internal static class EwsStreamingReader
{
    private static readonly XmlReaderSettings ReaderSettings = AsyncSettings();

    /// <summary>Reads the envelope of <paramref name="responseName"/>, handing each successful message's <paramref name="payloadName"/> element to <paramref name="readPayload"/>.</summary>
    public static async Task<StreamedEnvelope<TPayload>> ReadAsync<TPayload>(
        Stream body, string responseName, string payloadName, Func<XmlReader, Task<TPayload>> readPayload)
    {
        var sawEnvelope = false;
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            if (await reader.MoveToContentAsync().ConfigureAwait(false) != XmlNodeType.Element)
            {
                throw new EwsResponseFormatException("the response is empty", isNotSoap: true);
            }

            if (reader.LocalName != "Envelope" || reader.NamespaceURI != EwsNamespaces.Soap)
            {
                throw new EwsResponseFormatException($"the document element is <{reader.Name}>, not a SOAP envelope", isNotSoap: true);
            }

            sawEnvelope = true;
            ExchangeServerVersion? version = null;
            if (!reader.IsEmptyElement)
            {
                await reader.ReadAsync().ConfigureAwait(false);
                while (await reader.MoveToContentAsync().ConfigureAwait(false) == XmlNodeType.Element)
                {
                    if (reader.NamespaceURI == EwsNamespaces.Soap && reader.LocalName == "Header")
                    {
                        version = EwsResponseReader.ReadServerVersion((XElement)await XNode.ReadFromAsync(reader, default).ConfigureAwait(false)) ?? version;
                    }
                    else if (reader.NamespaceURI == EwsNamespaces.Soap && reader.LocalName == "Body" && !reader.IsEmptyElement)
                    {
                        await reader.ReadAsync().ConfigureAwait(false);
                        if (await reader.MoveToContentAsync().ConfigureAwait(false) != XmlNodeType.Element)
                        {
                            break;
                        }

                        if (reader.NamespaceURI == EwsNamespaces.Soap && reader.LocalName == "Fault")
                        {
                            var fault = EwsResponseReader.ReadFault((XElement)await XNode.ReadFromAsync(reader, default).ConfigureAwait(false));
                            return new StreamedEnvelope<TPayload>(version, fault, []);
                        }

                        if (reader.NamespaceURI != EwsNamespaces.Messages || reader.LocalName != responseName)
                        {
                            throw new EwsResponseFormatException($"expected <{responseName}> but got <{reader.LocalName}>", isNotSoap: false);
                        }

                        var messages = await ReadResponseMessagesAsync(reader, payloadName, readPayload).ConfigureAwait(false);
                        return new StreamedEnvelope<TPayload>(version, null, messages);
                    }
                    else
                    {
                        await reader.SkipAsync().ConfigureAwait(false);
                    }
                }
            }

            throw new EwsResponseFormatException("the SOAP body is empty", isNotSoap: false);
        }
        catch (XmlException exception)
        {
            throw sawEnvelope
                ? new EwsResponseFormatException($"the XML is not well-formed: {exception.Message}", isNotSoap: false, exception)
                : new EwsResponseFormatException($"the body is not XML ({exception.Message})", isNotSoap: true, exception);
        }
    }

    /// <summary>
    /// Reads a base64 element (the reader on its start tag) into at most <paramref name="maxBytes"/> bytes and leaves the reader after
    /// it. The value's bytes are not counted against the response's limit: they have this cap instead.
    /// </summary>
    public static async Task<Base64Value> ReadBase64Async(XmlReader reader, long maxBytes, BoundedResponseStream? counter)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            return new Base64Value([], false, false);
        }

        using var decoder = new Base64ChunkDecoder(maxBytes);
        var chars = ArrayPool<char>.Shared.Rent(8192);
        counter?.Uncounted = true;
        try
        {
            await reader.ReadAsync().ConfigureAwait(false);
            while (reader.NodeType != XmlNodeType.EndElement)
            {
                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
                {
                    int read;
                    while ((read = await reader.ReadValueChunkAsync(chars, 0, chars.Length).ConfigureAwait(false)) > 0)
                    {
                        decoder.Append(chars.AsSpan(0, read));
                    }

                    await reader.ReadAsync().ConfigureAwait(false);
                }
                else
                {
                    await reader.SkipAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            counter?.Uncounted = false;
            ArrayPool<char>.Shared.Return(chars);
        }

        await reader.ReadAsync().ConfigureAwait(false); // past the end tag
        var bytes = decoder.Complete();
        return new Base64Value(bytes, decoder.TooLarge, decoder.Malformed);
    }

    /// <summary>
    /// Reads the item element the reader is on (t:Message, t:MeetingRequest, …), streaming its MimeContent under
    /// <paramref name="maxMimeBytes"/> and loading every other property as a small tree.
    /// </summary>
    public static async Task<EwsMessage> ReadItemAsync(XmlReader reader, long maxMimeBytes, BoundedResponseStream? counter)
    {
        var builder = new MessageBuilder(reader.LocalName);
        await ForEachChildAsync(reader, async () =>
        {
            if (reader.NamespaceURI == EwsNamespaces.Types && reader.LocalName == "MimeContent")
            {
                var characterSet = reader.GetAttribute("CharacterSet");
                var mime = await ReadBase64Async(reader, maxMimeBytes, counter).ConfigureAwait(false);
                builder.SetMimeContent(mime.Bytes is { } bytes ? new EwsMimeContent(bytes, characterSet) : null, mime.TooLarge);
            }
            else
            {
                builder.Apply((XElement)await XNode.ReadFromAsync(reader, default).ConfigureAwait(false));
            }
        }).ConfigureAwait(false);
        return builder.Build();
    }

    /// <summary>Calls <paramref name="readChild"/> for each child element of the element the reader is on (it must consume the child), then moves past the element.</summary>
    public static async Task ForEachChildAsync(XmlReader reader, Func<Task> readChild)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync().ConfigureAwait(false);
            return;
        }

        await reader.ReadAsync().ConfigureAwait(false);
        while (await reader.MoveToContentAsync().ConfigureAwait(false) != XmlNodeType.EndElement)
        {
            if (reader.EOF)
            {
                throw new EwsResponseFormatException("the response ended inside an element", isNotSoap: false);
            }

            if (reader.NodeType == XmlNodeType.Element)
            {
                await readChild().ConfigureAwait(false);
            }
            else
            {
                await reader.SkipAsync().ConfigureAwait(false); // stray text between elements
            }
        }

        await reader.ReadAsync().ConfigureAwait(false);
    }

    private static XmlReaderSettings AsyncSettings()
    {
        var settings = EwsResponseReader.ReaderSettings.Clone();
        settings.Async = true;
        return settings;
    }

    private static async Task<IReadOnlyList<StreamedMessage<TPayload>>> ReadResponseMessagesAsync<TPayload>(
        XmlReader reader, string payloadName, Func<XmlReader, Task<TPayload>> readPayload)
    {
        var messages = new List<StreamedMessage<TPayload>>();
        var sawContainer = false;
        await ForEachChildAsync(reader, async () =>
        {
            if (reader.NamespaceURI != EwsNamespaces.Messages || reader.LocalName != "ResponseMessages")
            {
                await reader.SkipAsync().ConfigureAwait(false);
                return;
            }

            sawContainer = true;
            await ForEachChildAsync(reader, async () => messages.Add(await ReadResponseMessageAsync(reader, payloadName, readPayload).ConfigureAwait(false)))
                .ConfigureAwait(false);
        }).ConfigureAwait(false);

        return sawContainer ? messages : throw new EwsResponseFormatException("the response has no ResponseMessages", isNotSoap: false);
    }

    private static async Task<StreamedMessage<TPayload>> ReadResponseMessageAsync<TPayload>(
        XmlReader reader, string payloadName, Func<XmlReader, Task<TPayload>> readPayload)
    {
        var name = reader.LocalName;
        var responseClass = reader.GetAttribute("ResponseClass")
            ?? throw new EwsResponseFormatException($"<{name}> has no ResponseClass attribute", isNotSoap: false);
        var isError = string.Equals(responseClass, "Error", StringComparison.Ordinal);
        string? code = null, text = null;
        XElement? messageXml = null;
        var payload = default(TPayload);
        await ForEachChildAsync(reader, async () =>
        {
            switch (reader.NamespaceURI == EwsNamespaces.Messages ? reader.LocalName : null)
            {
                case "MessageText":
                    text = await reader.ReadElementContentAsStringAsync().ConfigureAwait(false);
                    break;
                case "ResponseCode":
                    code = (await reader.ReadElementContentAsStringAsync().ConfigureAwait(false)).Trim();
                    break;
                case "MessageXml":
                    messageXml = (XElement)await XNode.ReadFromAsync(reader, default).ConfigureAwait(false);
                    break;
                case var payloadElement when payloadElement == payloadName && !isError:
                    payload = await readPayload(reader).ConfigureAwait(false);
                    break;
                default:
                    await reader.SkipAsync().ConfigureAwait(false);
                    break;
            }
        }).ConfigureAwait(false);

        var status = new EwsResponseMessage(
            new XElement(EwsNamespaces.M + name), responseClass, code, text, EwsResponseReader.ReadMessageXmlValues(messageXml));
        return new StreamedMessage<TPayload>(status, payload);
    }
}

/// <summary>A base64 value read under a cap.</summary>
/// <param name="Bytes">The bytes, or null when too large or malformed.</param>
/// <param name="TooLarge">The value was larger than the cap.</param>
/// <param name="Malformed">The value was not base64.</param>
internal readonly record struct Base64Value(byte[]? Bytes, bool TooLarge, bool Malformed);
