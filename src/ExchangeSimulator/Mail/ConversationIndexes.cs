using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// PR_CONVERSATION_INDEX ([MS-OXOMSG] 2.2.1.3) and the ConversationId derived from it. The index is a 22-byte header
/// (a reserved 0x01, five bytes of FILETIME, a 16-byte thread GUID) plus a 5-byte block per reply; the ConversationId
/// names the thread GUID, so every message of a thread, in every mailbox, has the same ConversationId.
/// </summary>
internal static class ConversationIndexes
{
    private const int HeaderLength = 22;
    private const int ChildBlockLength = 5;

    /// <summary>A Thread-Index header (base64 of a conversation index, as Outlook sends it); false when it is not one.</summary>
    public static bool TryParseThreadIndex(string? headerValue, out byte[] index)
    {
        index = [];
        if (string.IsNullOrWhiteSpace(headerValue) || headerValue.Length > 4096)
        {
            return false;
        }

        var buffer = new byte[headerValue.Length];
        if (!Convert.TryFromBase64String(headerValue.Trim(), buffer, out var written) ||
            written < HeaderLength || (written - HeaderLength) % ChildBlockLength != 0)
        {
            return false;
        }

        index = buffer[..written];
        return true;
    }

    /// <summary>A new thread's index; the thread GUID comes from the Message-ID, so redeliveries of one message agree.</summary>
    public static byte[] NewThread(DateTimeOffset time, string? messageId)
    {
        var index = new byte[HeaderLength];
        index[0] = 0x01;
        Span<byte> fileTime = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(fileTime, time.UtcDateTime.ToFileTimeUtc());
        fileTime[..5].CopyTo(index.AsSpan(1));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(messageId ?? Guid.NewGuid().ToString("N")), hash);
        hash[..16].CopyTo(index.AsSpan(6));
        return index;
    }

    /// <summary>A reply's index: the parent's plus one child block (the time elapsed since the thread began).</summary>
    public static byte[] Reply(byte[] parent, DateTimeOffset time)
    {
        var index = new byte[parent.Length + ChildBlockLength];
        parent.CopyTo(index, 0);
        Span<byte> started = stackalloc byte[8];
        parent.AsSpan(1, 5).CopyTo(started);
        var elapsed = Math.Max(0, time.UtcDateTime.ToFileTimeUtc() - BinaryPrimitives.ReadInt64BigEndian(started));
        Span<byte> delta = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(delta, elapsed >> 18);
        delta[3..].CopyTo(index.AsSpan(parent.Length));
        return index;
    }

    /// <summary>The opaque ConversationId of the thread an index belongs to (version byte, 'C', thread GUID; base64).</summary>
    public static string ConversationId(byte[] index)
    {
        Span<byte> id = stackalloc byte[18];
        id[0] = 0x01;
        id[1] = (byte)'C';
        index.AsSpan(6, 16).CopyTo(id[2..]);
        return Convert.ToBase64String(id);
    }
}

/// <summary>
/// The conversation index of every message delivered so far, by Message-ID, so a reply without a Thread-Index
/// joins its parent's conversation (found through In-Reply-To, then References), as Exchange's conversation
/// correlation does.
/// </summary>
internal sealed class MailThreads
{
    private readonly ConcurrentDictionary<string, byte[]> _byMessageId = new(StringComparer.Ordinal);

    /// <summary>Decides the conversation index of a message and remembers it under the message's Message-ID.</summary>
    public byte[] Assign(string? messageId, string? threadIndexHeader, string? inReplyTo, IEnumerable<string> references, DateTimeOffset time)
    {
        if (messageId is not null && _byMessageId.TryGetValue(messageId, out var known))
        {
            return known;
        }

        byte[] index;
        if (ConversationIndexes.TryParseThreadIndex(threadIndexHeader, out var fromHeader))
        {
            index = fromHeader;
        }
        else if (FindParent(inReplyTo, references) is { } parent)
        {
            index = ConversationIndexes.Reply(parent, time);
        }
        else
        {
            index = ConversationIndexes.NewThread(time, messageId);
        }

        return messageId is null ? index : _byMessageId.GetOrAdd(messageId, index);
    }

    private byte[]? FindParent(string? inReplyTo, IEnumerable<string> references)
    {
        if (inReplyTo is not null && _byMessageId.TryGetValue(inReplyTo, out var parent))
        {
            return parent;
        }

        foreach (var reference in references.Reverse())
        {
            if (_byMessageId.TryGetValue(reference, out parent))
            {
                return parent;
            }
        }

        return null;
    }
}
