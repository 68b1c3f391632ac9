namespace ExSync.ExchangeSimulator;

/// <summary>A message a simulated mailbox sent (CreateItem SendOnly or SendAndSaveCopy) as transport submitted it.</summary>
/// <param name="MessageId">The Message-ID header with its angle brackets, as every copy of the message carries it.</param>
/// <param name="Sender">The mailbox that sent it (the envelope sender: the impersonated mailbox, or the caller's own).</param>
/// <param name="From">The From address of the message, which may differ from <paramref name="Sender"/> (Send As).</param>
/// <param name="Subject">The subject.</param>
/// <param name="Recipients">Every envelope recipient (To, Cc and Bcc), each once.</param>
/// <param name="ExternalRecipients">The envelope recipients that are not simulated mailboxes: the message left the organisation for them.</param>
/// <param name="SubmittedAt">When the simulator accepted it (its <see cref="TimeProvider"/>).</param>
/// <param name="Mime">The MIME as transmitted (no Bcc header).</param>
public sealed record SentMessage(
    string MessageId, string Sender, string? From, string? Subject, IReadOnlyList<string> Recipients, IReadOnlyList<string> ExternalRecipients,
    DateTimeOffset SubmittedAt, ReadOnlyMemory<byte> Mime);

/// <summary>
/// Every message the simulated organisation sent, in submission order, so tests can check that a message was sent
/// exactly once (<see cref="CountSent"/>) and what left the organisation (<see cref="External"/>: the outbox of mail to
/// addresses no simulated mailbox has, which real Exchange would hand to the Internet). Thread-safe.
/// </summary>
public sealed class SimulatorOutbox
{
    private readonly Lock _gate = new();
    private readonly List<SentMessage> _sent = [];
    private readonly Dictionary<string, int> _sentById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _externalById = new(StringComparer.Ordinal);

    /// <summary>Every message sent since start or the last <see cref="Clear"/>/<see cref="TakeAll"/>, oldest first.</summary>
    public IReadOnlyList<SentMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>The messages with at least one external recipient, oldest first.</summary>
    public IReadOnlyList<SentMessage> External
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent.Where(message => message.ExternalRecipients.Count > 0)];
            }
        }
    }

    /// <summary>How many times a message with this Message-ID (with or without angle brackets) was sent.</summary>
    public int CountSent(string messageId)
    {
        lock (_gate)
        {
            return _sentById.GetValueOrDefault(Normalize(messageId));
        }
    }

    /// <summary>How many times a message with this Message-ID was sent to external recipients.</summary>
    public int CountExternal(string messageId)
    {
        lock (_gate)
        {
            return _externalById.GetValueOrDefault(Normalize(messageId));
        }
    }

    /// <summary>Returns every recorded message and forgets them, atomically (nothing sent meanwhile is lost).</summary>
    public IReadOnlyList<SentMessage> TakeAll()
    {
        lock (_gate)
        {
            var taken = _sent.ToList();
            ClearLocked();
            return taken;
        }
    }

    /// <summary>Forgets every recorded message.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            ClearLocked();
        }
    }

    internal void Record(SentMessage message)
    {
        var id = Normalize(message.MessageId);
        lock (_gate)
        {
            _sent.Add(message);
            _sentById[id] = _sentById.GetValueOrDefault(id) + 1;
            if (message.ExternalRecipients.Count > 0)
            {
                _externalById[id] = _externalById.GetValueOrDefault(id) + 1;
            }
        }
    }

    private void ClearLocked()
    {
        _sent.Clear();
        _sentById.Clear();
        _externalById.Clear();
    }

    private static string Normalize(string messageId) => messageId.Trim().TrimStart('<').TrimEnd('>');
}
