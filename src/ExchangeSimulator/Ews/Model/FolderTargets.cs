using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>A folder named in a request: a distinguished folder id (optionally in another mailbox) or a FolderId.</summary>
internal abstract record FolderTarget;

internal sealed record DistinguishedFolderTarget(string Id, SimulatedFolder? Folder, string? MailboxAddress) : FolderTarget;

internal sealed record FolderIdTarget(string Id) : FolderTarget;

/// <summary>A folder resolved against the store, or the per-item error explaining why it could not be.</summary>
internal readonly record struct ResolvedFolder(MailboxStore? Mailbox, FolderKey Folder, ItemError? Error)
{
    public static ResolvedFolder Failed(ItemError error) => new(null, default, error);
}

/// <summary>Reads and resolves folder ids (BaseFolderIdType and TargetFolderIdType).</summary>
internal static class FolderTargets
{
    public static readonly ElementSequence FolderIdsSequence = new(EwsNamespaces.Messages, "FolderIds",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded, "FolderId", "DistinguishedFolderId"));

    public static readonly ElementSequence ParentFolderIdsSequence = new(EwsNamespaces.Messages, "ParentFolderIds",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded, "FolderId", "DistinguishedFolderId"));

    private static readonly ElementSequence DistinguishedFolderIdSequence = new(EwsNamespaces.Types, "DistinguishedFolderId",
        Particle.Optional(EwsNamespaces.Types, "Mailbox"));

    private static readonly ElementSequence EmptyContent = new(EwsNamespaces.Types, "FolderId");

    /// <summary>TargetFolderIdType: exactly one of FolderId, DistinguishedFolderId and AddressListId.</summary>
    public static readonly ElementSequence SavedItemFolderIdSequence = TargetSequence("SavedItemFolderId");

    public static readonly ElementSequence SyncFolderIdSequence = TargetSequence("SyncFolderId");

    public static readonly ElementSequence ToFolderIdSequence = TargetSequence("ToFolderId");

    public static readonly ElementSequence ParentFolderIdSequence = TargetSequence("ParentFolderId");

    /// <summary>Reads FolderIds/ParentFolderIds (an unbounded choice of FolderId and DistinguishedFolderId).</summary>
    public static List<FolderTarget> ReadList(XmlReader reader, ElementSequence sequence)
    {
        var targets = new List<FolderTarget>();
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            targets.Add(ReadOne(reader));
        }

        return targets;
    }

    /// <summary>Reads a TargetFolderIdType container (SavedItemFolderId, SyncFolderId): exactly one folder.</summary>
    public static FolderTarget ReadTarget(XmlReader reader, ElementSequence targetSequence)
    {
        FolderTarget? target = null;
        var cursor = targetSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            if (cursor.LocalName == "AddressListId")
            {
                throw EwsFault.NotSimulated("AddressListId folder targets");
            }

            target = ReadOne(reader);
        }

        return target!;
    }

    /// <summary>Reads one t:FolderId or t:DistinguishedFolderId (the reader is on it) and moves past it.</summary>
    public static FolderTarget ReadOne(XmlReader reader)
    {
        var id = StrictXml.RequiredAttribute(reader, "Id");
        if (reader.LocalName == "FolderId")
        {
            EmptyContent.Open(reader).SkipRemaining();
            return new FolderIdTarget(id);
        }

        SimulatedFolder? folder = null;
        if (SimulatedFolderNames.TryParseDistinguishedId(id, out var simulated))
        {
            folder = simulated;
        }
        else if (!SimulatedFolderNames.IsKnownButNotSimulated(id))
        {
            throw StrictXml.Violation(reader, $"The 'Id' attribute is invalid - The value '{id}' is invalid according to its datatype '{EwsNamespaces.Types}:DistinguishedFolderIdNameType' - The Enumeration constraint failed.");
        }

        string? mailbox = null;
        var cursor = DistinguishedFolderIdSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            mailbox = EmailAddressReader.ReadAddressOnly(reader);
        }

        return new DistinguishedFolderTarget(id, folder, mailbox);
    }

    public static ResolvedFolder Resolve(FolderTarget target, EwsExecutionContext context)
    {
        switch (target)
        {
            case DistinguishedFolderTarget distinguished:
                if (distinguished.Folder is not { } folder)
                {
                    return ResolvedFolder.Failed(ItemError.FolderNotFound);
                }

                if (string.IsNullOrEmpty(distinguished.MailboxAddress))
                {
                    return new ResolvedFolder(context.Mailbox, folder, null);
                }

                // An addressed mailbox that does not exist fails the whole request, like an impersonated one
                // (ews-protocol.md §2.3); one the caller may not open is a per-item ErrorAccessDenied.
                var other = context.Runtime.State.FindBySmtp(distinguished.MailboxAddress)
                    ?? throw EwsFault.NonExistentMailbox("SmtpAddress", distinguished.MailboxAddress);
                return CanAccess(other, context) ? new ResolvedFolder(other, folder, null) : ResolvedFolder.Failed(ItemError.AccessDenied);

            case FolderIdTarget folderId:
                if (!EwsIdCodec.TryDecode(folderId.Id, out var kind, out var mailboxGuid, out var objectNumber) || kind != EwsIdKind.Folder)
                {
                    return ResolvedFolder.Failed(ItemError.InvalidIdMalformed);
                }

                var mailbox = context.Runtime.State.FindByGuid(mailboxGuid);
                if (mailbox is null || !mailbox.HasFolder(new FolderKey(objectNumber)))
                {
                    return ResolvedFolder.Failed(ItemError.FolderNotFound);
                }

                return CanAccess(mailbox, context) ? new ResolvedFolder(mailbox, new FolderKey(objectNumber), null) : ResolvedFolder.Failed(ItemError.AccessDenied);

            default:
                throw new InvalidOperationException($"Unknown folder target {target.GetType().Name}.");
        }
    }

    private static ElementSequence TargetSequence(string containerName) => new(EwsNamespaces.Messages, containerName,
        Particle.Choice(EwsNamespaces.Types, 1, 1, "FolderId", "DistinguishedFolderId", "AddressListId"));

    /// <summary>
    /// Another mailbox is reachable when the caller could impersonate it: a simplification of delegate access,
    /// which on Exchange depends on folder permissions.
    /// </summary>
    private static bool CanAccess(MailboxStore mailbox, EwsExecutionContext context) =>
        ReferenceEquals(mailbox, context.Mailbox) || context.Caller.MayImpersonate(mailbox);
}

/// <summary>Reads EmailAddressType (t:Mailbox): Name, EmailAddress, RoutingType, MailboxType, ItemId, OriginalDisplayName.</summary>
internal static class EmailAddressReader
{
    private static readonly ElementSequence MailboxSequence = new(EwsNamespaces.Types, "Mailbox",
        Particle.Optional(EwsNamespaces.Types, "Name"),
        Particle.Optional(EwsNamespaces.Types, "EmailAddress"),
        Particle.Optional(EwsNamespaces.Types, "RoutingType"),
        Particle.Optional(EwsNamespaces.Types, "MailboxType"),
        Particle.Optional(EwsNamespaces.Types, "ItemId"),
        Particle.Optional(EwsNamespaces.Types, "OriginalDisplayName"));

    public static string? ReadAddressOnly(XmlReader reader) => Read(reader)?.EmailAddress;

    /// <summary>Reads a t:Mailbox (the reader is on it); null when it has no EmailAddress.</summary>
    public static SimulatedRecipient? Read(XmlReader reader)
    {
        string? name = null, address = null;
        var cursor = MailboxSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "Name":
                    name = StrictXml.ReadText(reader);
                    break;
                case "EmailAddress":
                    address = StrictXml.ReadText(reader).Trim();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return string.IsNullOrEmpty(address) ? null : new SimulatedRecipient(name, address);
    }
}
