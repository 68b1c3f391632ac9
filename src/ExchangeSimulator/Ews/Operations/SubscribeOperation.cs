using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Subscribe with PullSubscriptionRequest (FolderIds or SubscribeToAllFolders, EventTypes, an optional Watermark to
/// resume from, Timeout 1..1440 minutes) or StreamingSubscriptionRequest (FolderIds or SubscribeToAllFolders,
/// EventTypes). The subscription is for the mailbox the request acts as; folders of another mailbox are delegate
/// access, which Exchange does not allow for subscriptions. Push subscriptions are not simulated.
/// </summary>
internal sealed class SubscribeOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "Subscribe",
        Particle.Choice(M, 1, 1, "PullSubscriptionRequest", "PushSubscriptionRequest", "StreamingSubscriptionRequest"));

    private static readonly ElementSequence PullSequence = new(M, "PullSubscriptionRequest",
        Particle.Optional(T, "FolderIds"),
        Particle.Required(T, "EventTypes"),
        Particle.Optional(T, "Watermark"),
        Particle.Required(T, "Timeout"));

    private static readonly ElementSequence StreamingSequence = new(M, "StreamingSubscriptionRequest",
        Particle.Optional(T, "FolderIds"),
        Particle.Required(T, "EventTypes"));

    private static readonly ElementSequence FolderIdsSequence = new(T, "FolderIds",
        Particle.Choice(T, 1, Particle.Unbounded, "FolderId", "DistinguishedFolderId"));

    private static readonly ElementSequence EventTypesSequence = new(T, "EventTypes", Particle.Many(T, "EventType", minOccurs: 1));

    private static readonly string[] EventTypeNames =
        ["CopiedEvent", "CreatedEvent", "DeletedEvent", "ModifiedEvent", "MovedEvent", "NewMailEvent", "FreeBusyChangedEvent"];

    private SubscribeOperation(SubscriptionKind kind, bool allFolders, IReadOnlyList<FolderTarget> folders, IReadOnlyList<NotificationEventKind> eventKinds, string? watermark, int? timeoutMinutes)
    {
        Kind = kind;
        AllFolders = allFolders;
        Folders = folders;
        EventKinds = eventKinds;
        Watermark = watermark;
        TimeoutMinutes = timeoutMinutes;
    }

    public override string Name => "Subscribe";

    public SubscriptionKind Kind { get; }

    public bool AllFolders { get; }

    public IReadOnlyList<FolderTarget> Folders { get; }

    public IReadOnlyList<NotificationEventKind> EventKinds { get; }

    public string? Watermark { get; }

    public int? TimeoutMinutes { get; }

    public static SubscribeOperation Parse(XmlReader reader)
    {
        SubscribeOperation? parsed = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            parsed = cursor.LocalName switch
            {
                "PullSubscriptionRequest" => ReadRequest(reader, SubscriptionKind.Pull, PullSequence),
                "StreamingSubscriptionRequest" => ReadRequest(reader, SubscriptionKind.Streaming, StreamingSequence),
                _ => throw EwsFault.NotSimulated("push subscriptions"),
            };
        }

        return parsed!;
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        var (subscription, error) = context.ForcedItemError is { } forced ? (null, forced) : Subscribe(context);
        if (error is not null)
        {
            writer.WriteErrorMessage(error);
            return;
        }

        writer.StartMessage(null);
        writer.Xml.WriteElementString("m", "SubscriptionId", M, subscription!.Id);
        if (Kind == SubscriptionKind.Pull)
        {
            writer.Xml.WriteElementString("m", "Watermark", M, WatermarkCodec.Encode(subscription.Mailbox.MailboxGuid, subscription.StartNumber));
        }

        writer.EndElement();
    }

    private (Subscription? Subscription, ItemError? Error) Subscribe(EwsExecutionContext context)
    {
        if (AllFolders == Folders.Count > 0)
        {
            return (null, NotificationErrors.InvalidSubscriptionRequest);
        }

        var mailbox = context.Mailbox;
        HashSet<long>? folders = null;
        if (!AllFolders)
        {
            folders = [];
            foreach (var target in Folders)
            {
                var resolved = FolderTargets.Resolve(target, context);
                if (resolved.Error is not null)
                {
                    return (null, resolved.Error);
                }

                if (!ReferenceEquals(resolved.Mailbox, mailbox))
                {
                    return (null, NotificationErrors.DelegateAccessNotSupported);
                }

                folders.Add(resolved.Folder.ObjectNumber);
            }
        }

        long? resumeAfter = null;
        if (Watermark is not null)
        {
            if (!WatermarkCodec.TryDecode(Watermark, mailbox.MailboxGuid, out var number))
            {
                return (null, NotificationErrors.InvalidWatermark);
            }

            resumeAfter = number;
        }

        var timeout = TimeoutMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        return context.Runtime.State.Notifications.Subscribe(Kind, mailbox, context.Caller.Name, folders, EventKinds, timeout, resumeAfter);
    }

    private static SubscribeOperation ReadRequest(XmlReader reader, SubscriptionKind kind, ElementSequence sequence)
    {
        var allFolders = StrictXml.BooleanAttribute(reader, "SubscribeToAllFolders") == true;
        var folders = new List<FolderTarget>();
        var eventKinds = new List<NotificationEventKind>();
        string? watermark = null;
        int? timeout = null;
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "FolderIds":
                    folders.AddRange(FolderTargets.ReadList(reader, FolderIdsSequence));
                    break;
                case "EventTypes":
                    var types = EventTypesSequence.Open(reader);
                    while (types.MoveNext(out _))
                    {
                        var name = StrictXml.ReadEnumText(reader, "NotificationEventTypeType", EventTypeNames);
                        eventKinds.Add(Enum.Parse<NotificationEventKind>(name[..^"Event".Length]));
                    }

                    break;
                case "Watermark":
                    watermark = StrictXml.ReadText(reader);
                    break;
                default:
                    timeout = StrictXml.ReadIntText(reader, "SubscriptionTimeoutType", 1, 1440);
                    break;
            }
        }

        return new SubscribeOperation(kind, allFolders, folders, eventKinds, watermark, timeout);
    }
}
