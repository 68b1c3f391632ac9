using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>The folder properties a request sets (CreateFolder, UpdateFolder): the ones the simulator stores, and how many others there were.</summary>
internal sealed record FolderContent(
    string ElementName, string? FolderClass, string? DisplayName, IReadOnlyList<(ExtendedFieldUri Uri, string[] Values)> ExtendedProperties,
    IReadOnlyList<string> OtherProperties);

/// <summary>Reads a t:Folder, t:CalendarFolder, t:ContactsFolder, t:TasksFolder or t:SearchFolder against the schema's element order.</summary>
internal static class FolderReader
{
    private const string T = EwsNamespaces.Types;

    public static readonly string[] FolderElementNames = ["Folder", "CalendarFolder", "ContactsFolder", "SearchFolder", "TasksFolder"];

    /// <summary>BaseFolderType followed by the union of the folder subtypes' own elements.</summary>
    private static readonly ElementSequence FolderSequence = new(T, "Folder",
        Particle.Optional(T, "FolderId"), Particle.Optional(T, "ParentFolderId"), Particle.Optional(T, "FolderClass"),
        Particle.Optional(T, "DisplayName"), Particle.Optional(T, "TotalCount"), Particle.Optional(T, "ChildFolderCount"),
        Particle.Many(T, "ExtendedProperty"), Particle.Optional(T, "ManagedFolderInformation"), Particle.Optional(T, "EffectiveRights"),
        Particle.Optional(T, "DistinguishedFolderId"), Particle.Optional(T, "PolicyTag"), Particle.Optional(T, "ArchiveTag"),
        Particle.Optional(T, "ReplicaList"), Particle.Optional(T, "SharingEffectiveRights"), Particle.Optional(T, "PermissionSet"),
        Particle.Optional(T, "UnreadCount"), Particle.Optional(T, "SearchParameters"), Particle.Optional(T, "SourceId"),
        Particle.Optional(T, "AccountName"));

    /// <summary>Reads the folder element the reader is on and moves past it.</summary>
    public static FolderContent Read(XmlReader reader)
    {
        var elementName = reader.LocalName;
        string? folderClass = null, displayName = null;
        var extended = new List<(ExtendedFieldUri, string[])>();
        var others = new List<string>();
        var cursor = FolderSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "FolderClass":
                    folderClass = StrictXml.ReadText(reader);
                    break;
                case "DisplayName":
                    displayName = StrictXml.ReadText(reader);
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

        return new FolderContent(elementName, folderClass, displayName, extended, others);
    }
}
