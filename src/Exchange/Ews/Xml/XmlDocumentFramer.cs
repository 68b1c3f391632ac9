namespace ExSync.Exchange.Ews.Xml;

/// <summary>
/// Cuts a byte stream that carries one XML document after another (GetStreamingEvents sends each notification as its own SOAP
/// envelope in one long HTTP response) into whole documents, as soon as each one's closing tag has arrived.
/// </summary>
/// <remarks>
/// An XmlReader over the stream cannot do this: after an envelope's end tag it reads on to find the next node, which does not
/// exist until the next notification (or heartbeat) comes, so every notification would be held back by one interval. The framer
/// instead tracks element depth byte by byte (markup delimiters are ASCII, which never occurs inside a UTF-8 multi-byte sequence),
/// minding quoted attribute values, comments, CDATA sections and processing instructions; each completed document is then parsed on
/// its own. Bytes between documents (whitespace, an XML declaration) are dropped.
/// </remarks>
internal sealed class XmlDocumentFramer(int maxDocumentBytes)
{
    private enum State
    {
        Text,
        TagOpen,
        StartTag,
        EndTag,
        ProcessingInstruction,
        Bang,
        BangDash,
        Comment,
        CdataOpen,
        Cdata,
        Declaration,
    }

    private readonly MemoryStream document = new();
    private State state = State.Text;
    private int depth;
    private bool inDocument;
    private byte quote;
    private byte previous;
    private int run;

    /// <summary>True when a document has started but not ended: the stream stopping now would cut it short.</summary>
    public bool HasPartialDocument => inDocument;

    /// <summary>Consumes <paramref name="data"/> and adds every document it completes to <paramref name="completed"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, List<byte[]> completed)
    {
        var documentStart = inDocument ? 0 : -1;
        for (var i = 0; i < data.Length; i++)
        {
            var c = data[i];
            switch (state)
            {
                case State.Text:
                    if (c == '<')
                    {
                        state = State.TagOpen;
                    }

                    break;
                case State.TagOpen:
                    state = c switch
                    {
                        (byte)'/' => State.EndTag,
                        (byte)'?' => State.ProcessingInstruction,
                        (byte)'!' => State.Bang,
                        _ => State.StartTag,
                    };
                    if (state == State.StartTag && depth == 0 && !inDocument)
                    {
                        // The '<' may have arrived in the previous chunk: write it here, and the rest from this byte on.
                        inDocument = true;
                        document.WriteByte((byte)'<');
                        documentStart = i;
                    }

                    quote = 0;
                    previous = c;
                    break;
                case State.StartTag when quote != 0:
                    quote = c == quote ? (byte)0 : quote;
                    break;
                case State.StartTag:
                    if (c is (byte)'"' or (byte)'\'')
                    {
                        quote = c;
                    }
                    else if (c == '>')
                    {
                        state = State.Text;
                        if (previous != '/')
                        {
                            depth++;
                        }
                        else if (depth == 0)
                        {
                            Complete(data, ref documentStart, i, completed);
                        }
                    }
                    else if (c is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                    {
                        previous = c;
                    }

                    break;
                case State.EndTag:
                    if (c == '>')
                    {
                        state = State.Text;
                        depth = Math.Max(0, depth - 1);
                        if (depth == 0 && inDocument)
                        {
                            Complete(data, ref documentStart, i, completed);
                        }
                    }

                    break;
                case State.ProcessingInstruction:
                    state = c == '>' && previous == '?' ? State.Text : state;
                    previous = c;
                    break;
                case State.Bang:
                    (state, run) = c switch
                    {
                        (byte)'-' => (State.BangDash, 0),
                        (byte)'[' => (State.CdataOpen, 0),
                        (byte)'>' => (State.Text, 0),
                        _ => (State.Declaration, 0),
                    };
                    break;
                case State.BangDash:
                    state = c == '-' ? State.Comment : c == '>' ? State.Text : State.Declaration;
                    break;
                case State.Comment:
                    state = c == '>' && run >= 2 ? State.Text : state;
                    run = c == '-' ? run + 1 : 0;
                    break;
                case State.CdataOpen:
                    state = c == '[' ? State.Cdata : state; // "<![CDATA[" : the second '[' opens the section
                    break;
                case State.Cdata:
                    state = c == '>' && run >= 2 ? State.Text : state;
                    run = c == ']' ? run + 1 : 0;
                    break;
                case State.Declaration:
                    state = c == '>' ? State.Text : state;
                    break;
            }
        }

        if (inDocument && documentStart >= 0)
        {
            Append(data[documentStart..]);
        }
    }

    private void Complete(ReadOnlySpan<byte> data, ref int documentStart, int end, List<byte[]> completed)
    {
        Append(data[documentStart..(end + 1)]);
        completed.Add(document.ToArray());
        document.SetLength(0);
        inDocument = false;
        documentStart = -1;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (document.Length + bytes.Length > maxDocumentBytes)
        {
            throw new EwsResponseFormatException($"a notification is larger than {maxDocumentBytes:N0} bytes", isNotSoap: false);
        }

        document.Write(bytes);
    }
}
