using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// UpdateFolder for extended properties: SetFolderField and DeleteFolderField with an ExtendedFieldURI path, on any
/// property set, name, id or tag (the ExSync ownership marker is just one of them). Each FolderChange is validated
/// as a whole before any of it is applied.
/// </summary>
internal sealed class UpdateFolderOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "UpdateFolder", Particle.Required(M, "FolderChanges"));

    private static readonly ElementSequence FolderChangesSequence = new(M, "FolderChanges", Particle.Many(T, "FolderChange", minOccurs: 1));

    private static readonly ElementSequence FolderChangeSequence = new(T, "FolderChange",
        Particle.Choice(T, 1, 1, "FolderId", "DistinguishedFolderId"),
        Particle.Required(T, "Updates"));

    private static readonly ElementSequence UpdatesSequence = new(T, "Updates",
        Particle.Choice(T, 1, Particle.Unbounded, "AppendToFolderField", "SetFolderField", "DeleteFolderField"));

    private static readonly ElementSequence SetFolderFieldSequence = new(T, "SetFolderField",
        Particle.Choice(T, 1, 1, "FieldURI", "IndexedFieldURI", "ExtendedFieldURI"),
        Particle.Choice(T, 1, 1, "Folder", "CalendarFolder", "ContactsFolder", "SearchFolder", "TasksFolder"));

    private static readonly ElementSequence DeleteFolderFieldSequence = new(T, "DeleteFolderField",
        Particle.Choice(T, 1, 1, "FieldURI", "IndexedFieldURI", "ExtendedFieldURI"));

    internal static readonly ItemError IncorrectPropertyCount =
        new("ErrorIncorrectUpdatePropertyCount", "An object within a change description must contain one and only one property to modify.");

    internal static readonly ItemError PropertyMismatch =
        new("ErrorUpdatePropertyMismatch", "The property in the update path doesn't match the property being updated.");

    private UpdateFolderOperation(IReadOnlyList<FolderChange> changes) => Changes = changes;

    public override string Name => "UpdateFolder";

    public IReadOnlyList<FolderChange> Changes { get; }

    public static UpdateFolderOperation Parse(XmlReader reader)
    {
        var changes = new List<FolderChange>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            var changesCursor = FolderChangesSequence.Open(reader);
            while (changesCursor.MoveNext(out _))
            {
                changes.Add(ReadChange(reader));
            }
        }

        return new UpdateFolderOperation(changes);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var change in Changes)
        {
            var resolved = FolderTargets.Resolve(change.Target, context);
            var error = context.ForcedItemError ?? resolved.Error ?? change.Updates.Select(update => update.Validate()).FirstOrDefault(problem => problem is not null);
            if (error is not null)
            {
                writer.WriteErrorMessage(error, "Folders");
                continue;
            }

            var mailbox = resolved.Mailbox!;
            foreach (var update in change.Updates)
            {
                if (update.IsDelete)
                {
                    mailbox.DeleteFolderProperty(resolved.Folder, update.Path.Key);
                }
                else
                {
                    mailbox.SetFolderProperty(resolved.Folder, update.Path.Key, update.NewProperties[0].Values);
                }
            }

            if (mailbox.GetFolderView(resolved.Folder) is not { } view)
            {
                writer.WriteErrorMessage(ItemError.FolderNotFound, "Folders");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Folders", M);
            writer.Xml.WriteStartElement("t", view.ElementName, T);
            EwsObjectWriter.WriteFolderId(writer.Xml, "FolderId", view.Id, view.ChangeKey);
            writer.Xml.WriteEndElement();
            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private static FolderChange ReadChange(XmlReader reader)
    {
        FolderTarget? target = null;
        var updates = new List<FolderUpdate>();
        var cursor = FolderChangeSequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                target = FolderTargets.ReadOne(reader);
                continue;
            }

            var updatesCursor = UpdatesSequence.Open(reader);
            while (updatesCursor.MoveNext(out _))
            {
                updates.Add(updatesCursor.LocalName switch
                {
                    "SetFolderField" => ReadSet(reader),
                    "DeleteFolderField" => ReadDelete(reader),
                    _ => throw EwsFault.NotSimulated("AppendToFolderField"),
                });
            }
        }

        return new FolderChange(target!, updates);
    }

    private static FolderUpdate ReadSet(XmlReader reader)
    {
        ExtendedFieldUri? path = null;
        var properties = new List<(ExtendedFieldUri Uri, string[] Values)>();
        var otherProperties = 0;
        var cursor = SetFolderFieldSequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                path = ReadExtendedPath(reader, cursor.LocalName);
                continue;
            }

            var folder = FolderReader.Read(reader);
            properties.AddRange(folder.ExtendedProperties);
            otherProperties += folder.OtherProperties.Count + (folder.FolderClass is null ? 0 : 1) + (folder.DisplayName is null ? 0 : 1);
        }

        return new FolderUpdate(IsDelete: false, path!, properties, otherProperties);
    }

    private static FolderUpdate ReadDelete(XmlReader reader)
    {
        ExtendedFieldUri? path = null;
        var cursor = DeleteFolderFieldSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            path = ReadExtendedPath(reader, cursor.LocalName);
        }

        return new FolderUpdate(IsDelete: true, path!, [], 0);
    }

    private static ExtendedFieldUri ReadExtendedPath(XmlReader reader, string pathElement)
    {
        if (pathElement != "ExtendedFieldURI")
        {
            throw EwsFault.NotSimulated($"UpdateFolder on {pathElement} paths (only extended properties are simulated)");
        }

        var path = ExtendedFieldUri.Read(reader);
        MapiTags.ThrowIfComputed(path.Key);
        reader.Skip();
        return path;
    }

    internal sealed record FolderChange(FolderTarget Target, IReadOnlyList<FolderUpdate> Updates);

    internal sealed record FolderUpdate(bool IsDelete, ExtendedFieldUri Path, IReadOnlyList<(ExtendedFieldUri Uri, string[] Values)> NewProperties, int OtherPropertyCount)
    {
        public ItemError? Validate()
        {
            if (IsDelete)
            {
                return null;
            }

            if (NewProperties.Count + OtherPropertyCount != 1)
            {
                return IncorrectPropertyCount;
            }

            if (NewProperties.Count != 1 || NewProperties[0].Uri.Key != Path.Key)
            {
                return PropertyMismatch;
            }

            var values = NewProperties[0].Values;
            return Path.Key.IsMultiValued || values.Length == 1 ? null : PropertyMismatch;
        }
    }
}
