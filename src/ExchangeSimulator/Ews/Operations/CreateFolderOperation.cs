using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// CreateFolder: ParentFolderId, then Folders (t:Folder, t:CalendarFolder, t:ContactsFolder, t:TasksFolder) with a
/// DisplayName, an optional FolderClass (only on t:Folder; the other types imply theirs) and extended properties.
/// One response message per folder; a name already used under the parent is ErrorFolderExists.
/// </summary>
internal sealed class CreateFolderOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;

    private static readonly ElementSequence Sequence = new(M, "CreateFolder",
        Particle.Required(M, "ParentFolderId"),
        Particle.Required(M, "Folders"));

    private static readonly ElementSequence FoldersSequence = new(M, "Folders",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded, FolderReader.FolderElementNames));

    private static readonly ItemError ParentFolderNotFound = new("ErrorParentFolderNotFound", "The parent folder could not be found.");

    private static readonly ItemError FolderExists = new("ErrorFolderExists", "A folder with the specified name already exists.");

    private static readonly ItemError MissingDisplayName =
        new("ErrorFolderSavePropertyError", "The folder save operation failed due to invalid property values.", [new("PropertyPath", "folder:DisplayName")]);

    private static readonly ItemError NoFolderClassOverride =
        new("ErrorNoFolderClassOverride", "Don't specify a folder class when creating a non-generic folder.");

    private CreateFolderOperation(FolderTarget parent, IReadOnlyList<FolderContent> folders)
    {
        Parent = parent;
        Folders = folders;
    }

    public override string Name => "CreateFolder";

    public FolderTarget Parent { get; }

    public IReadOnlyList<FolderContent> Folders { get; }

    public static CreateFolderOperation Parse(XmlReader reader)
    {
        FolderTarget? parent = null;
        var folders = new List<FolderContent>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                parent = FolderTargets.ReadTarget(reader, FolderTargets.ParentFolderIdSequence);
                continue;
            }

            var foldersCursor = FoldersSequence.Open(reader);
            while (foldersCursor.MoveNext(out _))
            {
                if (foldersCursor.LocalName == "SearchFolder")
                {
                    throw EwsFault.NotSimulated("creating search folders");
                }

                var folder = FolderReader.Read(reader);
                if (folder.OtherProperties.Count > 0)
                {
                    throw EwsFault.NotSimulated($"CreateFolder with {string.Join(", ", folder.OtherProperties)} (only DisplayName, FolderClass and ExtendedProperty are simulated)");
                }

                folders.Add(folder);
            }
        }

        return new CreateFolderOperation(parent!, folders);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        var parent = FolderTargets.Resolve(Parent, context);
        foreach (var folder in Folders)
        {
            var (created, error) = context.ForcedItemError is { } forced ? (null, forced) : Create(parent, folder);
            if (error is not null)
            {
                writer.WriteErrorMessage(error, "Folders");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Folders", M);
            writer.Xml.WriteStartElement("t", created!.ElementName, EwsNamespaces.Types);
            EwsObjectWriter.WriteFolderId(writer.Xml, "FolderId", created.Id, created.ChangeKey);
            writer.Xml.WriteEndElement();
            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private static (FolderView? Folder, ItemError? Error) Create(ResolvedFolder parent, FolderContent folder)
    {
        if (parent.Error is { } parentError)
        {
            return (null, parentError == ItemError.FolderNotFound ? ParentFolderNotFound : parentError);
        }

        if (string.IsNullOrWhiteSpace(folder.DisplayName))
        {
            return (null, MissingDisplayName);
        }

        var impliedClass = folder.ElementName switch
        {
            "CalendarFolder" => "IPF.Appointment",
            "ContactsFolder" => "IPF.Contact",
            "TasksFolder" => "IPF.Task",
            _ => null,
        };
        if (impliedClass is not null && folder.FolderClass is not null)
        {
            return (null, NoFolderClassOverride);
        }

        var properties = folder.ExtendedProperties.ToDictionary(property => property.Uri.Key, property => property.Values);
        var (created, error) = parent.Mailbox!.CreateFolder(parent.Folder, folder.DisplayName, impliedClass ?? folder.FolderClass ?? "IPF.Note", properties);
        return error switch
        {
            FolderChangeError.None => (created, null),
            FolderChangeError.NameExists => (null, FolderExists),
            _ => (null, ParentFolderNotFound),
        };
    }
}
